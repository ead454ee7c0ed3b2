// Where the database is looked for, in order, and what is said when it is nowhere.
#include "db/db_path.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace portauth::db {
namespace {

namespace fs = std::filesystem;

class DbPathTest : public testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(testing::TempDir()) /
            ("portauth_db_path_" + std::to_string(::getpid()) + "_" +
             testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "prefix/bin");
    fs::create_directories(root_ / "src");
    cli_ = touch(root_ / "cli.yaml");
    env_ = touch(root_ / "env.yaml");
    source_ = touch(root_ / "src/ports.yaml");
  }
  void TearDown() override { fs::remove_all(root_); }

  static std::string touch(const fs::path& path) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << "schema_version: 1\nports: []\n";
    return path.string();
  }

  DbPathInputs inputs() const {
    DbPathInputs in;
    in.exe_path = (root_ / "prefix/bin/portauth").string();
    in.source_path = source_;
    return in;
  }

  fs::path root_;
  std::string cli_, env_, source_;
};

TEST_F(DbPathTest, CliValueComesFirst) {
  DbPathInputs in = inputs();
  in.cli_value = cli_;
  in.env_value = env_;
  EXPECT_EQ(resolve_db_path(in), cli_);
}

TEST_F(DbPathTest, EnvironmentComesSecond) {
  DbPathInputs in = inputs();
  in.env_value = env_;
  EXPECT_EQ(resolve_db_path(in), env_);
}

TEST_F(DbPathTest, InstalledCopyBeatsTheSourceTree) {
  const std::string installed = touch(root_ / "prefix/share/portauth/ports.yaml");
  EXPECT_EQ(installed_db_path(inputs().exe_path), installed);
  EXPECT_EQ(resolve_db_path(inputs()), installed);
}

TEST_F(DbPathTest, InstalledIndexIsPreferredWhileCurrent) {
  const std::string yaml = touch(root_ / "prefix/share/portauth/ports.yaml");
  const std::string index = touch(root_ / "prefix/share/portauth/ports.idx");
  EXPECT_EQ(installed_index_path(inputs().exe_path), index);
  fs::last_write_time(yaml, fs::last_write_time(index) - std::chrono::hours(1));
  EXPECT_EQ(resolve_db_path(inputs()), index);
  // The YAML edited after the index was built: the edit wins.
  fs::last_write_time(yaml, fs::last_write_time(index) + std::chrono::hours(1));
  EXPECT_EQ(resolve_db_path(inputs()), yaml);
}

TEST_F(DbPathTest, BuildTreeIndexStandsForTheSourceYamlUnlessStale) {
  DbPathInputs in = inputs();
  in.build_index_path = touch(root_ / "build/ports.idx");
  fs::last_write_time(source_, fs::last_write_time(in.build_index_path) - std::chrono::hours(1));
  EXPECT_EQ(resolve_db_path(in), in.build_index_path);
  fs::last_write_time(source_, fs::last_write_time(in.build_index_path) + std::chrono::hours(1));
  EXPECT_EQ(resolve_db_path(in), source_);
  in.build_index_path = (root_ / "build/none.idx").string();
  EXPECT_EQ(resolve_db_path(in), source_);
}

TEST_F(DbPathTest, SourceTreeIsTheLastResort) {
  DbPathInputs in = inputs();
  in.env_value = "";  // set but empty counts as unset
  EXPECT_EQ(resolve_db_path(in), source_);
}

TEST_F(DbPathTest, MissingExplicitFileIsAnErrorNotAFallThrough) {
  DbPathInputs in = inputs();
  in.cli_value = (root_ / "typo.yaml").string();
  try {
    resolve_db_path(in);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "port database '" + in.cli_value + "' (from --db) does not exist");
  }
  in.cli_value.clear();
  in.env_value = (root_ / "typo.yaml").string();
  try {
    resolve_db_path(in);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "port database '" + *in.env_value + "' (from PORTAUTH_DB) does not exist");
  }
}

TEST_F(DbPathTest, NothingFoundNamesEveryPlaceLooked) {
  DbPathInputs in = inputs();
  in.source_path = (root_ / "gone/ports.yaml").string();
  try {
    resolve_db_path(in);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find((root_ / "prefix/share/portauth/ports.yaml").string()),
              std::string::npos)
        << message;
    EXPECT_NE(message.find(in.source_path), std::string::npos) << message;
    EXPECT_NE(message.find("--db FILE"), std::string::npos) << message;
    EXPECT_NE(message.find("PORTAUTH_DB"), std::string::npos) << message;
  }
}

TEST(DbPath, CompiledInSourcePathIsTheRepositoryCopy) {
  EXPECT_TRUE(source_db_path().ends_with("db/data/ports.yaml")) << source_db_path();
  EXPECT_TRUE(build_index_path().ends_with("db/ports.idx")) << build_index_path();
  EXPECT_TRUE(fs::is_regular_file(build_index_path())) << "the build makes the index";
}

}  // namespace
}  // namespace portauth::db
