// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ERC20 — a minimal, standard ERC-20 token used as a diorama fixture.
///
/// STORAGE LAYOUT (scenarios read and write these slots directly; do not reorder):
///   slot 0  mapping(address => uint256) balances
///             balances[a]       lives at keccak256(abi.encode(a, uint256(0)))
///   slot 1  mapping(address => mapping(address => uint256)) allowances
///             allowances[o][s]  lives at keccak256(abi.encode(s, keccak256(abi.encode(o, uint256(1)))))
///   slot 2  uint256 totalSupply
///   slot 3  string name      (short strings: data and 2*len packed in the slot)
///   slot 4  string symbol
///   slot 5  address owner    (the deployer; the only account allowed to mint)
///   decimals is a constant (18) and uses no storage.
///
/// Failures:
///   - not enough balance    -> InsufficientBalance(available, required)
///   - not enough allowance  -> InsufficientAllowance(available, required)
///   - zero recipient        -> Error("ERC20: transfer to zero") / "ERC20: mint to zero"
///   - zero spender          -> Error("ERC20: approve to zero")
///   - mint by non-owner     -> Error("ERC20: caller is not the owner")
contract ERC20 {
    mapping(address => uint256) internal balances;                          // slot 0
    mapping(address => mapping(address => uint256)) internal allowances;   // slot 1
    uint256 public totalSupply;                                             // slot 2
    string public name;                                                     // slot 3
    string public symbol;                                                   // slot 4
    address public owner;                                                   // slot 5

    uint8 public constant decimals = 18;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    error InsufficientBalance(uint256 available, uint256 required);
    error InsufficientAllowance(uint256 available, uint256 required);

    constructor(string memory name_, string memory symbol_, uint256 initialSupply) {
        name = name_;
        symbol = symbol_;
        owner = msg.sender;
        _mint(msg.sender, initialSupply);
    }

    function balanceOf(address account) external view returns (uint256) {
        return balances[account];
    }

    function allowance(address holder, address spender) external view returns (uint256) {
        return allowances[holder][spender];
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        _transfer(msg.sender, to, amount);
        return true;
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        require(spender != address(0), "ERC20: approve to zero");
        allowances[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
        return true;
    }

    /// Spends allowance first (always decremented, no "infinite" special case),
    /// then moves the tokens.
    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        uint256 allowed = allowances[from][msg.sender];
        if (allowed < amount) revert InsufficientAllowance(allowed, amount);
        unchecked {
            allowances[from][msg.sender] = allowed - amount;
        }
        _transfer(from, to, amount);
        return true;
    }

    function mint(address to, uint256 amount) external {
        require(msg.sender == owner, "ERC20: caller is not the owner");
        _mint(to, amount);
    }

    function _transfer(address from, address to, uint256 amount) internal {
        require(to != address(0), "ERC20: transfer to zero");
        uint256 available = balances[from];
        if (available < amount) revert InsufficientBalance(available, amount);
        unchecked {
            balances[from] = available - amount;
        }
        balances[to] += amount;
        emit Transfer(from, to, amount);
    }

    function _mint(address to, uint256 amount) internal {
        require(to != address(0), "ERC20: mint to zero");
        totalSupply += amount;
        balances[to] += amount;
        emit Transfer(address(0), to, amount);
    }
}
