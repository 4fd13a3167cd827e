// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// The Arbitrum precompiles this probe calls, declared from nitro's ABIs (the methods a
// contract uses; addresses as on every Arbitrum chain).

interface IArbSys {
    function arbBlockNumber() external view returns (uint256);
    function arbBlockHash(uint256 arbBlockNum) external view returns (bytes32);
    function arbChainID() external view returns (uint256);
    function arbOSVersion() external view returns (uint256);
    function isTopLevelCall() external view returns (bool);
    function wasMyCallersAddressAliased() external view returns (bool);
    function myCallersAddressWithoutAliasing() external view returns (address);
    function withdrawEth(address destination) external payable returns (uint256);
    function sendTxToL1(address destination, bytes calldata data) external payable returns (uint256);
}

interface IArbWasm {
    function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
    function stylusVersion() external view returns (uint16);
    function codehashVersion(bytes32 codehash) external view returns (uint16);
    function codehashKeepalive(bytes32 codehash) external payable;
    function codehashAsmSize(bytes32 codehash) external view returns (uint32);
    function programVersion(address program) external view returns (uint16);
    function programInitGas(address program) external view returns (uint64 gas, uint64 gasWhenCached);
    function programMemoryFootprint(address program) external view returns (uint16);
    function programTimeLeft(address program) external view returns (uint64);
    function inkPrice() external view returns (uint32);
    function maxStackDepth() external view returns (uint32);
    function freePages() external view returns (uint16);
    function pageGas() external view returns (uint16);
    function pageRamp() external view returns (uint64);
    function pageLimit() external view returns (uint16);
    function minInitGas() external view returns (uint64 gas, uint64 cached);
    function initCostScalar() external view returns (uint64);
    function expiryDays() external view returns (uint16);
    function keepaliveDays() external view returns (uint16);
    function blockCacheSize() external view returns (uint16);
}

interface IArbWasmCache {
    function isCacheManager(address manager) external view returns (bool);
    function allCacheManagers() external view returns (address[] memory);
    function cacheCodehash(bytes32 codehash) external;
    function cacheProgram(address program) external;
    function evictCodehash(bytes32 codehash) external;
    function codehashIsCached(bytes32 codehash) external view returns (bool);
}

interface IArbGasInfo {
    function getPricesInWei() external view returns (uint256, uint256, uint256, uint256, uint256, uint256);
    function getPricesInArbGas() external view returns (uint256, uint256, uint256);
    function getGasAccountingParams() external view returns (uint256, uint256, uint256);
    function getMinimumGasPrice() external view returns (uint256);
    function getL1BaseFeeEstimate() external view returns (uint256);
    function getCurrentTxL1GasFees() external view returns (uint256);
}

interface IArbOwnerPublic {
    function isChainOwner(address addr) external view returns (bool);
    function getAllChainOwners() external view returns (address[] memory);
    function getNetworkFeeAccount() external view returns (address);
    function getInfraFeeAccount() external view returns (address);
}

/// @title ArbitrumProbe — calls the Arbitrum precompiles and returns what they say, so that
/// scenarios can check diorama's answers from Solidity. Needs no storage.
contract ArbitrumProbe {
    IArbSys constant ARB_SYS = IArbSys(address(0x64));
    IArbWasm constant ARB_WASM = IArbWasm(address(0x71));
    IArbWasmCache constant ARB_WASM_CACHE = IArbWasmCache(address(0x72));
    IArbGasInfo constant ARB_GAS_INFO = IArbGasInfo(address(0x6c));
    IArbOwnerPublic constant ARB_OWNER_PUBLIC = IArbOwnerPublic(address(0x6b));

    /// The L2 block number (ArbSys) next to block.number, which on Arbitrum is the L1 estimate.
    function blockNumbers() external view returns (uint256 l2, uint256 l1) {
        return (ARB_SYS.arbBlockNumber(), block.number);
    }

    function arbBlockHash(uint256 number) external view returns (bytes32) {
        return ARB_SYS.arbBlockHash(number);
    }

    function chain() external view returns (uint256 chainId, uint256 arbosVersion) {
        return (ARB_SYS.arbChainID(), ARB_SYS.arbOSVersion());
    }

    /// What ArbSys says about the caller of this probe.
    function caller() external view returns (bool topLevel, bool aliased, address unaliased) {
        return (ARB_SYS.isTopLevelCall(), ARB_SYS.wasMyCallersAddressAliased(), ARB_SYS.myCallersAddressWithoutAliasing());
    }

    function withdrawEth(address destination) external payable returns (uint256) {
        return ARB_SYS.withdrawEth{value: msg.value}(destination);
    }

    function sendTxToL1(address destination, bytes calldata data) external payable returns (uint256) {
        return ARB_SYS.sendTxToL1{value: msg.value}(destination, data);
    }

    /// ArbWasm's parameter getters, in two groups (stack depth).
    function stylusParams()
        external
        view
        returns (uint16 version, uint32 inkPrice, uint32 maxStackDepth, uint16 freePages, uint16 pageGas, uint64 pageRamp)
    {
        return (
            ARB_WASM.stylusVersion(),
            ARB_WASM.inkPrice(),
            ARB_WASM.maxStackDepth(),
            ARB_WASM.freePages(),
            ARB_WASM.pageGas(),
            ARB_WASM.pageRamp()
        );
    }

    function stylusLimits()
        external
        view
        returns (
            uint16 pageLimit,
            uint64 minInitGas,
            uint64 minCachedGas,
            uint64 initCostScalar,
            uint16 expiryDays,
            uint16 keepaliveDays,
            uint16 blockCacheSize
        )
    {
        (minInitGas, minCachedGas) = ARB_WASM.minInitGas();
        return (
            ARB_WASM.pageLimit(),
            minInitGas,
            minCachedGas,
            ARB_WASM.initCostScalar(),
            ARB_WASM.expiryDays(),
            ARB_WASM.keepaliveDays(),
            ARB_WASM.blockCacheSize()
        );
    }

    /// ArbWasm's program getters for the program at `program`.
    function program(address target)
        external
        view
        returns (uint16 version, uint64 initGas, uint64 cachedGas, uint16 footprint, uint64 timeLeft)
    {
        (initGas, cachedGas) = ARB_WASM.programInitGas(target);
        return (
            ARB_WASM.programVersion(target),
            initGas,
            cachedGas,
            ARB_WASM.programMemoryFootprint(target),
            ARB_WASM.programTimeLeft(target)
        );
    }

    /// ArbWasm's and ArbWasmCache's getters by code hash.
    function codehash(bytes32 hash) external view returns (uint16 version, uint32 asmSize, bool cached) {
        return (ARB_WASM.codehashVersion(hash), ARB_WASM.codehashAsmSize(hash), ARB_WASM_CACHE.codehashIsCached(hash));
    }

    function activate(address target) external payable returns (uint16 version, uint256 dataFee) {
        return ARB_WASM.activateProgram{value: msg.value}(target);
    }

    function keepalive(bytes32 hash) external payable {
        ARB_WASM.codehashKeepalive{value: msg.value}(hash);
    }

    /// ArbWasmCache: this probe must be a cache manager or chain owner to change the cache.
    function cacheProgram(address target) external {
        ARB_WASM_CACHE.cacheProgram(target);
    }

    function cacheCodehash(bytes32 hash) external {
        ARB_WASM_CACHE.cacheCodehash(hash);
    }

    function evictCodehash(bytes32 hash) external {
        ARB_WASM_CACHE.evictCodehash(hash);
    }

    /// Caches the program at `target` by its code hash (`cacheCodehash`, ArbOS 30 only).
    function cacheCodehashOf(address target) external {
        ARB_WASM_CACHE.cacheCodehash(target.codehash);
    }

    /// Evicts the program at `target` (by its code hash).
    function evictProgram(address target) external {
        ARB_WASM_CACHE.evictCodehash(target.codehash);
    }

    /// `codehash` for the code at `target`.
    function codehashOf(address target) external view returns (uint16 version, uint32 asmSize, bool cached) {
        bytes32 hash = target.codehash;
        return (ARB_WASM.codehashVersion(hash), ARB_WASM.codehashAsmSize(hash), ARB_WASM_CACHE.codehashIsCached(hash));
    }

    /// Keeps the program at `target` alive (by its code hash).
    function keepaliveProgram(address target) external payable {
        ARB_WASM.codehashKeepalive{value: msg.value}(target.codehash);
    }

    function cacheManagers(address who) external view returns (bool isManager, address[] memory all) {
        return (ARB_WASM_CACHE.isCacheManager(who), ARB_WASM_CACHE.allCacheManagers());
    }

    function pricesInWei() external view returns (uint256, uint256, uint256, uint256, uint256, uint256) {
        return ARB_GAS_INFO.getPricesInWei();
    }

    function gasInfo()
        external
        view
        returns (uint256 l1BaseFee, uint256 minimumGasPrice, uint256 speedLimit, uint256 blockGasLimit, uint256 l1Fees)
    {
        (speedLimit, blockGasLimit,) = ARB_GAS_INFO.getGasAccountingParams();
        return (
            ARB_GAS_INFO.getL1BaseFeeEstimate(),
            ARB_GAS_INFO.getMinimumGasPrice(),
            speedLimit,
            blockGasLimit,
            ARB_GAS_INFO.getCurrentTxL1GasFees()
        );
    }

    function pricesInArbGas() external view returns (uint256, uint256, uint256) {
        return ARB_GAS_INFO.getPricesInArbGas();
    }

    function owners(address who)
        external
        view
        returns (bool isOwner, address[] memory all, address networkFeeAccount, address infraFeeAccount)
    {
        return (
            ARB_OWNER_PUBLIC.isChainOwner(who),
            ARB_OWNER_PUBLIC.getAllChainOwners(),
            ARB_OWNER_PUBLIC.getNetworkFeeAccount(),
            ARB_OWNER_PUBLIC.getInfraFeeAccount()
        );
    }

    /// Calls an Arbitrum precompile address with `data` and returns whether it succeeded.
    function poke(address target, bytes calldata data) external returns (bool ok, bytes memory output) {
        return target.call(data);
    }
}
