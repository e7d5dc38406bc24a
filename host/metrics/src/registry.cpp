#include "cchost/metrics/registry.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace cchost::metrics {

struct Registry::Series {
  double value = 0;                    // counter or gauge
  std::vector<std::uint64_t> buckets;  // histogram: per upper bound, not cumulative
  std::uint64_t count = 0;
  double sum = 0;
};

struct Registry::FamilyState {
  Family family;
  std::map<Labels, Series> series;
};

namespace {

const std::string kOther = "_other";


std::string label_text(const Labels& labels, const std::string& extra_name = {}, const std::string& extra_value = {}) {
  if (labels.empty() && extra_name.empty()) return {};
  std::string out = "{";
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) out += ',';
    first = false;
    out += name + "=\"" + escape_label_value(value) + "\"";
  }
  if (!extra_name.empty()) out += std::string(first ? "" : ",") + extra_name + "=\"" + extra_value + "\"";
  return out + "}";
}

// Label values are data from elsewhere: bounded, and never allowed to break a line.
Labels bounded(const Labels& labels) {
  Labels out = labels;
  for (auto& [name, value] : out)
    if (value.size() > kMaxLabelValueBytes) value = value.substr(0, kMaxLabelValueBytes);
  return out;
}

const char* type_name(Kind kind) {
  switch (kind) {
    case Kind::Counter: return "counter";
    case Kind::Gauge: return "gauge";
    case Kind::Histogram: return "histogram";
  }
  return "untyped";
}

}  // namespace

std::string format_sample_value(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  // The shortest text that reads back as the same double: le="0.1", not "0.10000000000000001".
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::string("NaN");
}

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

Registry::Registry() = default;
Registry::~Registry() = default;

Registry& Registry::process() {
  static Registry registry;
  return registry;
}

Registry::FamilyState& Registry::family_locked(const Family& family) {
  auto it = families_.find(family.name);
  if (it == families_.end()) {
    auto state = std::make_unique<FamilyState>();
    state->family = family;
    it = families_.emplace(std::string(family.name), std::move(state)).first;
  }
  return *it->second;
}

Registry::Series& Registry::series_locked(FamilyState& state, const Labels& labels) {
  Labels key = bounded(labels);
  auto it = state.series.find(key);
  if (it != state.series.end()) return it->second;
  // The last of the family's kMaxSeriesPerFamily slots is kept for the overflow series.
  if (state.series.size() + 1 >= kMaxSeriesPerFamily) {
    for (auto& [name, value] : key) value = kOther;
    it = state.series.find(key);
    if (it != state.series.end()) return it->second;
  }
  Series fresh;
  fresh.buckets.assign(state.family.buckets.size(), 0);
  return state.series.emplace(std::move(key), std::move(fresh)).first->second;
}

void Registry::add(const Family& family, const Labels& labels, double delta) {
  if (!(delta >= 0)) return;  // a counter only goes up
  std::lock_guard lock(mutex_);
  series_locked(family_locked(family), labels).value += delta;
}

void Registry::set(const Family& family, const Labels& labels, double value) {
  std::lock_guard lock(mutex_);
  series_locked(family_locked(family), labels).value = value;
}

void Registry::observe(const Family& family, const Labels& labels, double value) {
  std::lock_guard lock(mutex_);
  auto& state = family_locked(family);
  auto& series = series_locked(state, labels);
  for (std::size_t i = 0; i < state.family.buckets.size(); ++i) {
    if (value <= state.family.buckets[i]) {
      ++series.buckets[i];
      break;
    }
  }
  ++series.count;
  series.sum += value;
}

double Registry::value(const Family& family, const Labels& labels) const {
  std::lock_guard lock(mutex_);
  auto it = families_.find(family.name);
  if (it == families_.end()) return 0;
  auto s = it->second->series.find(bounded(labels));
  return s == it->second->series.end() ? 0 : s->second.value;
}

std::string Registry::render() const {
  std::lock_guard lock(mutex_);
  std::ostringstream out;
  for (const auto& [name, state] : families_) {
    if (state->series.empty()) continue;
    out << "# HELP " << name << ' ' << state->family.help << '\n';
    out << "# TYPE " << name << ' ' << type_name(state->family.kind) << '\n';
    for (const auto& [labels, series] : state->series) {
      if (state->family.kind != Kind::Histogram) {
        out << name << label_text(labels) << ' ' << format_sample_value(series.value) << '\n';
        continue;
      }
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < series.buckets.size(); ++i) {
        cumulative += series.buckets[i];
        out << name << "_bucket" << label_text(labels, "le", format_sample_value(state->family.buckets[i])) << ' ' << cumulative << '\n';
      }
      out << name << "_bucket" << label_text(labels, "le", "+Inf") << ' ' << series.count << '\n';
      out << name << "_sum" << label_text(labels) << ' ' << format_sample_value(series.sum) << '\n';
      out << name << "_count" << label_text(labels) << ' ' << series.count << '\n';
    }
  }
  return out.str();
}

}  // namespace cchost::metrics
