// The main() of every vmsim executable (the command, tests, benchmarks): it hands over to SystemC,
// which calls the program's sc_main(), without SystemC's banner on standard output.
#include <cstdlib>

#include <systemc>

int main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  return sc_core::sc_elab_and_sim(argc, argv);
}
