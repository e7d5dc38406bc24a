// Relating an HGX board's GPUs and switches (see board_topology.hpp).
#include "board_topology.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace cchost::nv::topology {
namespace {

std::string joined(const std::vector<std::string>& v) {
  std::string out = "{";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + v[i];
  return out + "}";
}

std::string gpu_name(const GpuFacts& g) { return "GPU " + std::to_string(g.index) + " (ueid " + g.ueid + ")"; }
std::string switch_name(const SwitchFacts& s) {
  return "NVSwitch " + std::to_string(s.index) + " (PDI " + (s.pdi.empty() ? "none" : s.pdi) + ")";
}

// The set most devices report, so a message names the odd one out rather than device 0.
template <class Facts, class Get>
std::vector<std::string> majority(const std::vector<Facts>& devices, Get get) {
  std::map<std::vector<std::string>, int> votes;
  for (const auto& d : devices) ++votes[get(d)];
  return std::max_element(votes.begin(), votes.end(), [](const auto& a, const auto& b) { return a.second < b.second; })->first;
}

}  // namespace

BoardTopology relate_board(const std::vector<GpuFacts>& gpus, const std::vector<SwitchFacts>& switches) {
  BoardTopology t;
  t.gpus = static_cast<std::int64_t>(gpus.size());
  t.switches = static_cast<std::int64_t>(switches.size());
  if (gpus.empty()) t.problems.push_back("the bundle holds no GPU record");
  if (switches.empty()) t.problems.push_back("the bundle holds no NVSwitch record");
  if (!t.problems.empty()) return t;

  const auto switch_set = majority(gpus, [](const GpuFacts& g) { return g.switch_pdis; });
  t.gpus_agree = true;
  for (const auto& g : gpus) {
    if (g.switch_pdis != switch_set) {
      t.gpus_agree = false;
      t.problems.push_back(gpu_name(g) + " reaches switch PDIs " + joined(g.switch_pdis) + ", the other GPUs reach " + joined(switch_set));
    }
  }
  if (t.gpus_agree) t.switch_pdis_per_gpu = static_cast<std::int64_t>(switch_set.size());

  std::set<std::string> own;
  bool distinct = true;
  for (const auto& s : switches) {
    if (!own.insert(s.pdi).second) {
      distinct = false;
      t.problems.push_back(switch_name(s) + " has the same PDI as another switch in the bundle");
    }
    if (!std::binary_search(switch_set.begin(), switch_set.end(), s.pdi)) {
      t.problems.push_back(switch_name(s) + " is not among the switches the GPUs reach " + joined(switch_set));
    }
  }
  for (const auto& pdi : switch_set) {
    if (!own.count(pdi)) t.problems.push_back("the GPUs reach switch PDI " + pdi + ", which no NVSwitch record in the bundle has");
  }
  t.switches_match_gpus = distinct && std::vector<std::string>(own.begin(), own.end()) == switch_set;

  const auto gpu_set = majority(switches, [](const SwitchFacts& s) { return s.gpu_pdis; });
  t.switches_agree = true;
  for (const auto& s : switches) {
    if (s.gpu_pdis != gpu_set) {
      t.switches_agree = false;
      t.problems.push_back(switch_name(s) + " reports GPU PDIs " + joined(s.gpu_pdis) + ", the other switches report " + joined(gpu_set));
    }
  }
  if (t.switches_agree) t.gpu_pdis_per_switch = static_cast<std::int64_t>(gpu_set.size());

  std::set<std::string> certified;
  bool all_certified = true;
  for (const auto& g : gpus) {
    if (g.pdi.empty()) {
      all_certified = false;
      t.problems.push_back(gpu_name(g) + " has no PDI in its identity certificate, so no switch's GPU list can be tied to it");
      continue;
    }
    certified.insert(g.pdi);
    if (!std::binary_search(gpu_set.begin(), gpu_set.end(), g.pdi)) {
      t.problems.push_back(gpu_name(g) + " with PDI " + g.pdi + " is not among the GPUs the switches report " + joined(gpu_set));
    }
  }
  for (const auto& pdi : gpu_set) {
    if (!certified.count(pdi)) t.problems.push_back("the switches report GPU PDI " + pdi + ", which no GPU record in the bundle has");
  }
  t.gpu_pdis_certified = all_certified && std::vector<std::string>(certified.begin(), certified.end()) == gpu_set;
  return t;
}

}  // namespace cchost::nv::topology
