// Several identical components from one configuration entry: `cpu: {type: traffic_gen, count: 4}`
// becomes cpu0 to cpu3. In a replica, a value (other than its type) naming another replicated component of the same
// count names the replica with the same number (cpu2's `port: mmu` becomes mmu2), and a `base`
// moves up by `size` for each replica. A workload given for the group applies to every replica
// that has none of its own. The expanded configuration is what config.yaml records.
#pragma once

#include "vmsim/models/core/config_document.h"

namespace vmsim {

// Throws ConfigError for a bad count, a reference between groups of different counts, a
// replicated base without a size, or a replica name that is taken.
void expand_replicas(ConfigDocument& config);

}  // namespace vmsim
