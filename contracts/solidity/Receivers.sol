// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// What the Stylus `nft` fixture calls on a receiving contract in `safeTransferFrom`.
interface IERC721Receiver {
    function onERC721Received(address operator, address from, uint256 id, bytes calldata data)
        external
        returns (bytes4);
}

/// The token methods a re-entering receiver calls back.
interface ITransfers {
    function transferFrom(address from, address to, uint256 id) external;
    function ownerOf(uint256 id) external view returns (address);
}

/// Accepts every token and records the last delivery.
contract AcceptingReceiver is IERC721Receiver {
    event Received(address operator, address from, uint256 id, bytes data);

    address public lastOperator;
    address public lastFrom;
    uint256 public lastId;
    bytes public lastData;

    function onERC721Received(address operator, address from, uint256 id, bytes calldata data)
        external
        returns (bytes4)
    {
        (lastOperator, lastFrom, lastId, lastData) = (operator, from, id, data);
        emit Received(operator, from, id, data);
        return IERC721Receiver.onERC721Received.selector;
    }
}

/// Answers with the wrong value: the token must refuse the transfer.
contract RefusingReceiver is IERC721Receiver {
    function onERC721Received(address, address, uint256, bytes calldata) external pure returns (bytes4) {
        return 0xdeadbeef;
    }
}

/// Reverts with a reason, which the token passes on; with data "silent" it reverts without one.
contract RevertingReceiver is IERC721Receiver {
    function onERC721Received(address, address, uint256, bytes calldata data) external pure returns (bytes4) {
        if (keccak256(data) == keccak256("silent")) {
            revert();
        }
        revert("RevertingReceiver: no thanks");
    }
}

/// Passes each token on to `next` during the delivery, re-entering the token contract.
contract ReenteringReceiver is IERC721Receiver {
    address public immutable next;
    address public ownerSeen;

    constructor(address next_) {
        next = next_;
    }

    function onERC721Received(address, address, uint256 id, bytes calldata) external returns (bytes4) {
        ownerSeen = ITransfers(msg.sender).ownerOf(id);
        ITransfers(msg.sender).transferFrom(address(this), next, id);
        return IERC721Receiver.onERC721Received.selector;
    }
}
