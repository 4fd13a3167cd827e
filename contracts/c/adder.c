// adder: a Stylus program written in C, built with clang --target=wasm32 -nostdlib. It imports
// the vm_hooks it needs directly (as the Stylus C SDK does) and dispatches Solidity ABI calls:
//
//   add(uint256 amount)(uint256)   total += amount (mod 2^256); emits Added(uint256 total);
//                                  returns the new total
//   total()(uint256)               returns the total
//
// Any other selector, or calldata too short for its arguments, reverts with empty data.
// Storage: slot 0 = total. The memory is one fixed page (min = max), so the program needs no
// pay_for_memory_grow import.

typedef unsigned char u8;
typedef unsigned int u32;
typedef unsigned long long u64;

#define IMPORT(name) __attribute__((import_module("vm_hooks"), import_name(#name)))

IMPORT(read_args) void read_args(u8 *dest);
IMPORT(write_result) void write_result(const u8 *data, u32 len);
IMPORT(storage_load_bytes32) void storage_load_bytes32(const u8 *key, u8 *dest);
IMPORT(storage_cache_bytes32) void storage_cache_bytes32(const u8 *key, const u8 *value);
IMPORT(storage_flush_cache) void storage_flush_cache(u32 clear);
IMPORT(emit_log) void emit_log(const u8 *data, u32 len, u32 topics);

// bytes4(keccak256("add(uint256)")) and bytes4(keccak256("total()")).
static const u8 ADD[4] = {0x10, 0x03, 0xe2, 0xd2};
static const u8 TOTAL[4] = {0x2d, 0xdb, 0xd1, 0x3a};
// keccak256("Added(uint256)"), the event's topic.
static const u8 ADDED[32] = {0x64, 0xa5, 0x50, 0x44, 0xd1, 0xf2, 0xed, 0xde, 0xbe, 0x1b, 0x90, 0xe8, 0xe2, 0x85,
                             0x3e, 0x8e, 0x96, 0x93, 0x1c, 0xef, 0xad, 0xbf, 0xa0, 0xb2, 0xce, 0xb3, 0x4b, 0xee,
                             0x36, 0x06, 0x19, 0x41};

static u8 args[36];
static u8 slot[32];
static u8 total[32];
// The log's bytes: the topic, then the data (the new total).
static u8 log_data[64];

static int same4(const u8 *a, const u8 *b) {
    return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3];
}

// total += amount, both 32-byte big-endian words.
static void add256(u8 *sum, const u8 *amount) {
    u32 carry = 0;
    for (int i = 31; i >= 0; i--) {
        u32 digit = (u32)sum[i] + amount[i] + carry;
        sum[i] = (u8)digit;
        carry = digit >> 8;
    }
}

__attribute__((export_name("user_entrypoint"))) int user_entrypoint(int len) {
    if (len < 4 || len > (int)sizeof(args)) {
        return 1;
    }
    read_args(args);
    storage_load_bytes32(slot, total);
    if (same4(args, TOTAL) && len == 4) {
        write_result(total, 32);
        return 0;
    }
    if (same4(args, ADD) && len == 36) {
        add256(total, args + 4);
        storage_cache_bytes32(slot, total);
        storage_flush_cache(0);
        for (int i = 0; i < 32; i++) {
            log_data[i] = ADDED[i];
            log_data[32 + i] = total[i];
        }
        emit_log(log_data, 64, 1);
        write_result(total, 32);
        return 0;
    }
    return 1;
}
