// Decoding cchost.relate/v1 into board facts (see relate_input.hpp).
#include "relate_input.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace cchost::nv::topology {
namespace {

std::vector<std::string> split_sorted(const std::string& joined) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < joined.size()) {
    const std::size_t comma = joined.find(',', start);
    const std::size_t end = comma == std::string::npos ? joined.size() : comma;
    if (end > start) out.push_back(joined.substr(start, end - start));
    start = end + 1;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Result<std::string> string_claim(const nlohmann::json& record, const std::string& name) {
  const auto& claims = record.at("claims");
  auto it = claims.find(name);
  if (it == claims.end() || !it->is_object() || !it->contains("value") || !(*it)["value"].is_string()) {
    return make_error("relate input: record " + record.value("id", std::string("?")) + " lacks the string claim " + name);
  }
  return (*it)["value"].get<std::string>();
}

}  // namespace

Result<BoardFacts> read_relate_input(std::string_view records_json) {
  const auto in = nlohmann::json::parse(records_json, nullptr, false);
  if (in.is_discarded() || !in.is_object() || in.value("schema", "") != "cchost.relate/v1" || !in.contains("namespaces") ||
      !in["namespaces"].is_array()) {
    return make_error("relate input is not cchost.relate/v1");
  }
  BoardFacts facts;
  try {
    for (const auto& doc : in["namespaces"]) {
      const std::string ns = doc.value("namespace", "");
      for (const auto& r : doc.at("records")) {
        const std::string cls = r.value("class", "");
        const auto index = r.value("index", 0u);
        if (ns == "x-nv-gpu" && cls == "gpu") {
          GpuFacts g;
          g.index = index;
          auto ueid = string_claim(r, "gpu.ueid");
          auto pdi = string_claim(r, "gpu.pdi");
          auto switches = string_claim(r, "gpu.switch_pdis");
          if (!ueid) return ueid.error();
          if (!pdi) return pdi.error();
          if (!switches) return switches.error();
          g.ueid = *ueid;
          g.pdi = *pdi;
          g.switch_pdis = split_sorted(*switches);
          facts.gpus.push_back(std::move(g));
        } else if (ns == "x-nv-switch" && cls == "nvswitch") {
          SwitchFacts s;
          s.index = index;
          auto ueid = string_claim(r, "nvswitch.ueid");
          auto pdi = string_claim(r, "nvswitch.pdi");
          auto gpus = string_claim(r, "nvswitch.gpu_pdis");
          if (!ueid) return ueid.error();
          if (!pdi) return pdi.error();
          if (!gpus) return gpus.error();
          s.ueid = *ueid;
          s.pdi = *pdi;
          s.gpu_pdis = split_sorted(*gpus);
          facts.switches.push_back(std::move(s));
        }
      }
    }
  } catch (const nlohmann::json::exception& e) {
    return make_error(std::string("relate input: ") + e.what());
  }
  return facts;
}

}  // namespace cchost::nv::topology
