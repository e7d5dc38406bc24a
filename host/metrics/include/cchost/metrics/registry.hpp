// A process-wide set of metric families, rendered in the Prometheus text exposition format
// (version 0.0.4). Counting is one mutex and a map lookup: cheap beside any verification.
//
// Label values can come from peers (a namespace a bundle names, a message kind), so each
// family keeps at most kMaxSeriesPerFamily label sets; later new ones are counted under the
// label value "_other", and a scrape can never be made to grow without bound.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cchost::metrics {

enum class Kind { Counter, Gauge, Histogram };

// One family: its name, help line and type. Declared once (families.hpp), used by value.
struct Family {
  std::string_view name;
  std::string_view help;
  Kind kind;
  std::span<const double> buckets = {};  // histograms: upper bounds, ascending (+Inf implied)
};

// Label names and values in the order the family's users give them.
using Labels = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::size_t kMaxSeriesPerFamily = 256;
inline constexpr std::size_t kMaxLabelValueBytes = 128;

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The registry every library of this process counts in.
  static Registry& process();

  void add(const Family& family, const Labels& labels, double delta = 1);  // counters
  void set(const Family& family, const Labels& labels, double value);      // gauges
  void observe(const Family& family, const Labels& labels, double value);  // histograms

  // Every family with at least one series, sorted by name, series sorted by labels: two
  // scrapes of the same state are byte-identical.
  std::string render() const;

  // A counter's value (0 if never counted): for tests.
  double value(const Family& family, const Labels& labels) const;

 private:
  struct Series;
  struct FamilyState;
  FamilyState& family_locked(const Family& family);
  Series& series_locked(FamilyState& state, const Labels& labels);
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<FamilyState>, std::less<>> families_;
};

// A sample value (or a bucket's le) as the text format writes it: the shortest decimal that
// reads back as the same double, and +Inf, -Inf, NaN.
std::string format_sample_value(double v);

// Text-format escaping of a label value: backslash, double quote and newline.
std::string escape_label_value(std::string_view value);

}  // namespace cchost::metrics
