#include "cchost/job/state_store.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;
using cchost::job::StateStore;

namespace {
fs::path fresh_dir(const char* name) {
  auto d = fs::temp_directory_path() / ("cchost-state-" + std::to_string(::getpid())) / name;
  fs::remove_all(d);
  return d;
}
}  // namespace

TEST(JobStateStore, RegistryAndJobsSurviveReopen) {
  const auto ws = fresh_dir("reopen");
  {
    auto store = StateStore::open(ws);
    ASSERT_TRUE(store) << store.message();
    EXPECT_TRUE(store->load_registry()->empty());
    ASSERT_TRUE(store->save_registry({{"sites", {{"site-1", {{"quarantined", false}}}}}}));
    ASSERT_TRUE(store->save_job("j2", {{"id", "j2"}, {"state", "failed"}}));
    ASSERT_TRUE(store->save_job("j1", {{"id", "j1"}, {"state", "deployed"}}));
  }
  auto store = StateStore::open(ws);
  ASSERT_TRUE(store);
  auto reg = store->load_registry();
  ASSERT_TRUE(reg);
  EXPECT_EQ((*reg)["sites"]["site-1"]["quarantined"], false);
  auto jobs = store->load_jobs();
  ASSERT_TRUE(jobs);
  ASSERT_EQ(jobs->size(), 2u);
  EXPECT_EQ((*jobs)[0]["id"], "j1");
  EXPECT_EQ((*jobs)[1]["state"], "failed");
}

TEST(JobStateStore, FilesArePrivateAndNoTempLeftBehind) {
  const auto ws = fresh_dir("perms");
  auto store = StateStore::open(ws);
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->store_payload("j1", cchost::as_bytes("payload")));
  struct stat st {};
  ASSERT_EQ(::stat(store->payload_path("j1").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  for (const auto& e : fs::recursive_directory_iterator(ws))
    EXPECT_EQ(e.path().string().find(".tmp."), std::string::npos) << e.path();
}

TEST(JobStateStore, RefusesPathTraversalJobIds) {
  auto store = StateStore::open(fresh_dir("ids"));
  ASSERT_TRUE(store);
  EXPECT_FALSE(store->save_job("../escape", {}));
  EXPECT_FALSE(store->store_payload("a/b", cchost::as_bytes("x")));
  EXPECT_FALSE(store->load_job(".."));
}

TEST(JobStateStore, CorruptJobFileIsReportedByName) {
  const auto ws = fresh_dir("corrupt");
  auto store = StateStore::open(ws);
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->save_job("j1", {{"id", "j1"}}));
  {
    std::FILE* f = std::fopen((ws / "jobs/j1/job.json").c_str(), "w");
    std::fputs("{\"id\": ", f);
    std::fclose(f);
  }
  auto jobs = store->load_jobs();
  ASSERT_FALSE(jobs);
  EXPECT_NE(jobs.message().find("jobs/j1/job.json: not valid JSON"), std::string::npos) << jobs.message();
}
