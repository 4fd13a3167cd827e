// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// Anything with a `value()` getter, e.g. Child from Factory.sol.
interface IValue {
    function value() external view returns (uint256);
}

/// @title Counter — a call target. Storage: slot 0 = uint256 count.
contract Counter {
    uint256 public count;

    event Incremented(uint256 newCount);

    /// count += 1; emits Incremented(newCount); returns newCount.
    function increment() external returns (uint256) {
        count += 1;
        emit Incremented(count);
        return count;
    }

    /// count += by; emits Incremented(newCount); returns newCount.
    function incrementBy(uint256 by) external returns (uint256) {
        count += by;
        emit Incremented(count);
        return count;
    }

    /// count = v; emits Incremented(v).
    function set(uint256 v) external {
        count = v;
        emit Incremented(v);
    }
}

/// @title Caller — calls other contracts (typed call, low-level call, staticcall).
/// Storage: slot 0 = uint256 calls (number of successful forward() calls).
contract Caller {
    uint256 public calls;

    /// Returns IValue(target).value(); reverts if target has no code or reverts.
    function callGet(address target) external view returns (uint256) {
        return IValue(target).value();
    }

    /// Low-level CALL of target with data, forwarding msg.value. On failure the
    /// callee's revert data is re-thrown unchanged; on success returns its return data.
    function forward(address target, bytes calldata data) external payable returns (bytes memory) {
        (bool ok, bytes memory ret) = target.call{value: msg.value}(data);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
        calls += 1;
        return ret;
    }

    /// Calls Counter(counter).increment() twice; returns the count after the second call.
    function callTwice(address counter) external returns (uint256) {
        Counter(counter).increment();
        return Counter(counter).increment();
    }

    /// Low-level STATICCALL of target with data; bubbles the callee's revert data.
    function staticForward(address target, bytes calldata data) external view returns (bytes memory) {
        (bool ok, bytes memory ret) = target.staticcall(data);
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }

    /// STATICCALLs Counter(counter).increment(), which writes state and so must fail.
    /// Returns false (and nothing changes) when the write is rejected.
    function tryStaticIncrement(address counter) external view returns (bool success) {
        (success, ) = counter.staticcall(abi.encodeCall(Counter.increment, ()));
    }
}

/// @title RevertingCaller — calls Counter, then reverts, to test rollback.
/// Storage: slot 0 = uint256 attempts.
contract RevertingCaller {
    uint256 public attempts;

    /// attempts += 1, Counter(counter).increment(), then
    /// revert("RevertingCaller: rollback"): every write (its own and the counter's)
    /// and the counter's Incremented log are rolled back.
    function incrementThenRevert(address counter) external {
        attempts += 1;
        Counter(counter).increment();
        revert("RevertingCaller: rollback");
    }

    /// Increments the counter (kept), then calls this.incrementThenRevert(counter)
    /// inside try/catch (rolled back, caught). Returns counter.count() afterwards,
    /// i.e. the starting count + 1; attempts is unchanged.
    function incrementThenCatch(address counter) external returns (uint256) {
        Counter(counter).increment();
        try this.incrementThenRevert(counter) {
            // unreachable: incrementThenRevert always reverts
        } catch {
            // swallowed on purpose
        }
        return Counter(counter).count();
    }
}

/// @title Store — plain storage. Storage layout:
///   slot 0  mapping(uint256 => uint256) values   values[k] at keccak256(abi.encode(k, uint256(0)))
///   slot 1  bytes32[] items                      length in slot 1, items[i] at uint256(keccak256(abi.encode(uint256(1)))) + i
contract Store {
    mapping(uint256 => uint256) internal values;  // slot 0
    bytes32[] internal items;                     // slot 1

    event Stored(uint256 indexed key, uint256 value);
    event Pushed(uint256 indexed index, bytes32 item);

    function set(uint256 key, uint256 value) external {
        values[key] = value;
        emit Stored(key, value);
    }

    function get(uint256 key) external view returns (uint256) {
        return values[key];
    }

    /// Appends item; returns its index.
    function push(bytes32 item) external returns (uint256 index) {
        index = items.length;
        items.push(item);
        emit Pushed(index, item);
    }

    /// Reverts with Panic(0x32) when index >= length().
    function itemAt(uint256 index) external view returns (bytes32) {
        return items[index];
    }

    function length() external view returns (uint256) {
        return items.length;
    }

    /// Removes the last item; reverts with Panic(0x31) when empty.
    function pop() external {
        items.pop();
    }
}
