// The sc_main() of a fuzz target built with libFuzzer (VMSIM_FUZZ): main() enters SystemC as in
// every vmsim program (platforms/main.cpp), and libFuzzer takes over from here.
#include <cstddef>
#include <cstdint>

#include <systemc>  // declares sc_main() as SystemC calls it

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" int LLVMFuzzerRunDriver(int* argc, char*** argv, int (*test_one_input)(const std::uint8_t*, std::size_t));

int sc_main(int argc, char* argv[]) { return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput); }
