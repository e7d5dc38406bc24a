#pragma once
// Collects load errors with their source position, so `policy check` lists all of them.
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "cchost/policy/loader.hpp"

namespace cchost::policy::detail {

class ErrorSink {
 public:
  explicit ErrorSink(std::string file) : file_(std::move(file)) {}
  void at(const toml::source_region& where, std::string message) {
    errors_.push_back({file_, where.begin.line, where.begin.column, std::move(message)});
  }
  void at(const toml::node& node, std::string message) { at(node.source(), std::move(message)); }
  void at(const toml::key& key, std::string message) { at(key.source(), std::move(message)); }
  void at_start(std::string message) { errors_.push_back({file_, 1, 1, std::move(message)}); }
  std::size_t count() const { return errors_.size(); }
  std::vector<PolicyError>& errors() { return errors_; }

 private:
  std::string file_;
  std::vector<PolicyError> errors_;
};

}  // namespace cchost::policy::detail
