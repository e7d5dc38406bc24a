#pragma once
// `cchost run`: start a participant (server or site) from a verified startup kit.
#include <map>
#include <optional>
#include <string>

namespace cchost::cli {

struct RunOptions {
  std::string kit_dir;
  std::string workspace;                        // default: ./<name>-workspace
  std::optional<std::string> root_fingerprint;  // explicit pin (flag, file or environment); else
                                                // the workspace's root.pin, recorded at first start
  std::map<std::string, std::int64_t> resources;
  int heartbeat_ms = 2000;
  int heartbeat_budget = 32;                    // server: heartbeats a second from all sites (0: unpaced)
  std::optional<int> reattest_seconds;          // overrides the kit's reattest_interval
  std::optional<std::string> metrics_listen;    // "[HOST:]PORT": serve /metrics and /healthz there
};

int run_participant(const RunOptions& options);

}  // namespace cchost::cli
