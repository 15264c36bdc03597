// The plugin's one entry point: vmsim loads this library (a configuration's `plugins:` list, or
// --plugin), checks versions, and the timer becomes a component type like vmsim's own.
#include <vmsim/models/core/plugin.h>

#include "countdown_timer.h"

VMSIM_PLUGIN(registry) {
  registry.add<countdown::CountdownTimer>(
      "countdown_timer", "Countdown timer: LOAD, CONTROL, VALUE, STATUS and an interrupt (example plugin)");
}
