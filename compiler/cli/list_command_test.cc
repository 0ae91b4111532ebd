// Tests for `rbacc list`.
#include "compiler/cli/list_command.h"

#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/testing/workspace.h"

namespace rbacc {
namespace {

using ::rbacc::testing::MakeWorkspace;

// The first line of `text` that starts with `prefix`, or "".
std::string Line(const std::string& text, const std::string& prefix) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::StartsWith(line, prefix)) return std::string(line);
  }
  return "";
}

TEST(ListCommandTest, PrintsFeaturesProfilesAndIdentities) {
  const std::string workspace = MakeWorkspace("list");
  std::ostringstream out;
  std::ostringstream err;
  ASSERT_EQ(RunList(workspace, "", out, err), 0) << err.str();
  const std::string listing = out.str();
  EXPECT_EQ(listing.rfind("bundle skypilot@", 0), 0u) << listing;
  EXPECT_TRUE(absl::StrContains(
      Line(listing, "    show-gpus "),
      "Show free GPUs in `sky show-gpus` by listing pods in every namespace. "
      "(requires base)"))
      << listing;
  EXPECT_TRUE(absl::StrContains(
      Line(listing, "    minimal "),
      "What every launch needs (base), for the sky-sa service account in "
      "default. [base]"))
      << listing;
  EXPECT_TRUE(absl::StrContains(
      Line(listing, "    multi-cluster "),
      "[base, show-gpus, object-store, ingress] contexts: gke-prod, eks-dev, "
      "gke_ml-research_us-central1_train"))
      << listing;
  EXPECT_NE(listing.find("identities: a service account name (default sky-sa), "
                         "or SERVICE_ACCOUNT, LOCAL_CREDENTIALS, NO_UPLOAD\n"),
            std::string::npos)
      << listing;
}

TEST(ListCommandTest, UnknownBundleFails) {
  const std::string workspace = MakeWorkspace("list_unknown");
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(RunList(workspace, "nope", out, err), 2);
  EXPECT_NE(err.str().find("policies/nope/bundle.textproto: no such file"),
            std::string::npos)
      << err.str();
}

}  // namespace
}  // namespace rbacc
