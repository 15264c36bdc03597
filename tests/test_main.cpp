// Tests run in the SystemC context: SystemC's sc_elab_and_sim() calls sc_main(), which runs them.
#include <gtest/gtest.h>
#include <systemc>

int sc_main(int argc, char* argv[]) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
