#pragma once
// "Attest, then activate": with set_ready_state = true, the GPUs are set ready (NVML's
// "accepting client requests") only after the host's own self-appraisal (attest.self_appraisal)
// accepted this participant's bundle, x-nv-gpu included; any other outcome sets them not ready.
// Every transition is logged; the host has already audited the appraisal itself.
#include <mutex>
#include <string>

#include "cchost/authorizer.hpp"
#include "verify/plugin_config.hpp"

namespace cchost::nv::gpu {

class ReadyStateHandler {
 public:
  ReadyStateHandler(const NvPluginConfig& config, const sdk::HostServices& host);

  // on_event for attest.self_appraisal; other events are ignored.
  sdk::Outcome on_event(const std::string& name, const std::string& event_json);

 private:
  bool enabled_;
  std::string library_;
  sdk::HostServices host_;
  std::mutex mutex_;   // one NVML transition at a time
};

}  // namespace cchost::nv::gpu
