// The standard process_* families (CPU seconds, resident memory, start time, open files) of
// this process, read from /proc at scrape time, in the text format.
#pragma once

#include <string>

namespace cchost::metrics {

std::string process_metrics_text();

}  // namespace cchost::metrics
