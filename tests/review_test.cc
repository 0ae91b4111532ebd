// The review tools agree with the authorizer: `diff` of every pair of SkyPilot
// selections lists exactly the requests one side allows and the other does
// not; cosmetic edits give empty diffs; `can-i` answers as the authorizer does
// for every request of the probe universe and every committed profile;
// `import` round-trips the page's example and every committed output; and
// `explain` names the feature and place of every declared rule.
#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "compiler/cli/can_i_command.h"
#include "compiler/common/authorizer.h"
#include "compiler/common/issue.h"
#include "compiler/merge/compile.h"
#include "compiler/review/diff.h"
#include "compiler/review/explain.h"
#include "compiler/review/importer.h"
#include "compiler/review/policy_input.h"
#include "compiler/review/rbac_yaml_reader.h"
#include "compiler/review/request_parser.h"
#include "gtest/gtest.h"
#include "tests/testing/workspace.h"

namespace rbacc {
namespace {

using ::rbacc::testing::AllowedRequests;
using ::rbacc::testing::MakeWorkspace;
using ::rbacc::testing::ReadFileOrDie;
using ::rbacc::testing::ReadRbacFile;
using ::rbacc::testing::RequestUniverse;
using ::rbacc::testing::RunfilePath;
using ::rbacc::testing::WriteFile;

const std::vector<std::string>& Features() {
  static const auto* const kFeatures = new std::vector<std::string>{
      "base", "ingress", "object-store", "show-gpus"};
  return *kFeatures;
}

const UserInfo& SkyUser() {
  static const auto* const kUser =
      new UserInfo(ServiceAccountUser("default", "sky-sa"));
  return *kUser;
}

// Every non-empty feature subset as a policy reference ("base,ingress").
std::vector<std::string> AllSelections() {
  std::vector<std::string> selections;
  for (int mask = 1; mask < 16; ++mask) {
    std::vector<std::string> chosen;
    for (int i = 0; i < 4; ++i) {
      if (mask & (1 << i)) chosen.push_back(Features()[i]);
    }
    selections.push_back(absl::StrJoin(chosen, ","));
  }
  return selections;
}

PolicyInput Load(const std::string& reference, const std::string& workspace) {
  IssueList issues;
  std::map<std::string, std::string> texts;
  absl::StatusOr<PolicySpec> spec = ParsePolicyReference(reference, workspace);
  EXPECT_TRUE(spec.ok()) << spec.status();
  absl::StatusOr<PolicyInput> input =
      LoadPolicyInput(*spec, workspace, &issues, &texts);
  EXPECT_TRUE(input.ok()) << input.status();
  EXPECT_FALSE(issues.has_errors()) << reference << "\n"
                                    << issues.Render(texts);
  return input.ok() ? *input : PolicyInput{};
}

// A request that `grant` allows and that nothing narrower than it covers:
// wildcards become probe values, a cluster-wide grant asks in a namespace no
// policy names.
Request Witness(const Grant& grant) {
  const Permission& permission = grant.permission;
  Request request;
  request.verb = permission.verb == "*" ? "probe-verb" : permission.verb;
  if (permission.is_url) {
    request.is_resource_request = false;
    request.path =
        absl::StrCat(absl::StripSuffix(permission.target, "*"),
                     absl::EndsWith(permission.target, "*") ? "probe" : "");
    return request;
  }
  request.api_group = permission.group == "*" ? "probe.io" : permission.group;
  std::vector<std::string> parts =
      absl::StrSplit(permission.target, absl::MaxSplits('/', 1));
  request.resource = parts[0] == "*" ? "probes" : parts[0];
  if (parts.size() > 1) request.subresource = parts[1];
  if (!permission.names.empty()) request.name = permission.names[0];
  request.namespace_name =
      grant.namespace_name.empty() ? "probe-namespace" : grant.namespace_name;
  return request;
}

// True when `grant` allows `request` (the subject is checked by the caller).
bool GrantAllows(const Grant& grant, const Request& request) {
  if (!grant.namespace_name.empty() &&
      grant.namespace_name != request.namespace_name) {
    return false;
  }
  PolicyRule rule;
  (grant.permission.is_url ? rule.non_resource_urls : rule.resources)
      .push_back(grant.permission.target);
  if (!grant.permission.is_url)
    rule.api_groups.push_back(grant.permission.group);
  rule.verbs.push_back(grant.permission.verb);
  rule.resource_names = grant.permission.names;
  return RuleAllows(rule, request);
}

// Checks the diff from `before` to `after` against the authorizer: every
// request of `universe` allowed on one side only (`before_allowed`,
// `after_allowed`) is matched by a listed change, and every listed change has
// a witness request allowed on its side only.
void ExpectDiffMatchesAuthorizer(const RbacObjects& before,
                                 const RbacObjects& after,
                                 const std::vector<Request>& universe,
                                 const std::vector<bool>& before_allowed,
                                 const std::vector<bool>& after_allowed,
                                 const std::string& name) {
  SCOPED_TRACE(name);
  const PolicyDiff diff = DiffPolicies(before, after);
  const Authorizer before_authorizer(before), after_authorizer(after);
  for (const auto& [grants, gained, lost] :
       {std::tuple{&diff.added, &after_authorizer, &before_authorizer},
        std::tuple{&diff.removed, &before_authorizer, &after_authorizer}}) {
    for (const Grant& grant : *grants) {
      const Request witness = Witness(grant);
      EXPECT_TRUE(gained->Allows(SkyUser(), witness) &&
                  !lost->Allows(SkyUser(), witness))
          << "listed change " << PermissionText(grant.permission) << " "
          << ScopeText(grant.namespace_name) << " has no witness";
    }
  }
  for (size_t i = 0; i < universe.size(); ++i) {
    if (before_allowed[i] == after_allowed[i]) continue;
    const Request& request = universe[i];
    const std::vector<Grant>& listed =
        after_allowed[i] ? diff.added : diff.removed;
    const bool explained = std::any_of(
        listed.begin(), listed.end(),
        [&](const Grant& grant) { return GrantAllows(grant, request); });
    EXPECT_TRUE(explained) << (after_allowed[i] ? "added" : "removed")
                           << " but not listed: " << request.verb << " "
                           << request.api_group << "/" << request.resource
                           << "/" << request.subresource
                           << " name=" << request.name
                           << " ns=" << request.namespace_name;
  }
}

TEST(ReviewTest, DiffOfEveryPairOfSelectionsMatchesTheAuthorizer) {
  const std::string workspace = MakeWorkspace("review_diff_pairs");
  std::vector<std::string> references = AllSelections();
  references.push_back("minimal");
  references.push_back("full");
  std::map<std::string, PolicyInput> inputs;
  std::vector<const RbacObjects*> all;
  for (const std::string& reference : references) {
    inputs[reference] = Load(reference, workspace);
  }
  for (const auto& [reference, input] : inputs) all.push_back(&input.objects);
  const std::vector<Request> universe = RequestUniverse(all);
  std::map<std::string, std::vector<bool>> allowed;
  for (const auto& [reference, input] : inputs) {
    const Authorizer authorizer(input.objects);
    for (const Request& request : universe) {
      allowed[reference].push_back(authorizer.Allows(SkyUser(), request));
    }
  }
  for (const std::string& a : references) {
    for (const std::string& b : references) {
      ExpectDiffMatchesAuthorizer(inputs[a].objects, inputs[b].objects,
                                  universe, allowed[a], allowed[b],
                                  absl::StrCat(a, " -> ", b));
      if (a == b) {
        EXPECT_TRUE(DiffPolicies(inputs[a].objects, inputs[b].objects).empty());
      }
    }
  }
}

TEST(ReviewTest, DiffAgainstThePageIsEmptyForFull) {
  const std::string workspace = MakeWorkspace("review_diff_page");
  const RbacObjects page =
      ReadRbacFile(RunfilePath("tests/testdata/create-sky-sa.yaml"));
  const PolicyDiff diff = DiffPolicies(Load("full", workspace).objects, page);
  EXPECT_TRUE(diff.added.empty() && diff.removed.empty())
      << RenderDiff(diff, DiffFormat::kText, "full", "page");
}

TEST(ReviewTest, CosmeticEditsGiveAnEmptyDiff) {
  for (const std::string profile : {"minimal", "full"}) {
    SCOPED_TRACE(profile);
    const std::string path =
        RunfilePath(absl::StrCat("outputs/skypilot/", profile, "/rbac.yaml"));
    const std::string text = ReadFileOrDie(path);
    const RbacObjects original = ReadRbacFile(path);

    // Objects and rules in reverse order, every rule split into one rule per
    // resource and verb.
    RbacObjects edited = original;
    std::reverse(edited.roles.begin(), edited.roles.end());
    std::reverse(edited.bindings.begin(), edited.bindings.end());
    for (RoleObject& role : edited.roles) {
      std::vector<CompiledRule> split;
      for (const CompiledRule& rule : role.rules) {
        for (const std::string& resource : rule.rule.resources) {
          for (const std::string& verb : rule.rule.verbs) {
            CompiledRule one = rule;
            one.rule.resources = {resource};
            one.rule.verbs = {verb};
            split.push_back(one);
          }
        }
      }
      std::reverse(split.begin(), split.end());
      role.rules = split;
    }
    EXPECT_TRUE(DiffPolicies(original, edited).empty());

    // The YAML text without comments and with its documents reversed.
    std::vector<std::string> documents = absl::StrSplit(text, "\n---\n");
    std::reverse(documents.begin(), documents.end());
    std::vector<std::string> lines;
    for (absl::string_view line :
         absl::StrSplit(absl::StrJoin(documents, "\n---\n"), '\n')) {
      const size_t hash = line.find('#');
      if (hash != absl::string_view::npos) line = line.substr(0, hash);
      lines.emplace_back(line);
    }
    absl::StatusOr<RbacObjects> stripped =
        ReadRbacYaml(absl::StrJoin(lines, "\n"), "stripped.yaml");
    ASSERT_TRUE(stripped.ok()) << stripped.status();
    EXPECT_TRUE(DiffPolicies(original, *stripped).empty());
  }
}

TEST(ReviewTest, CanIAgreesWithTheAuthorizerForEveryProfile) {
  const std::string workspace = MakeWorkspace("review_can_i");
  for (const std::string profile : {"minimal", "full"}) {
    SCOPED_TRACE(profile);
    const PolicyInput input = Load(profile, workspace);
    const Authorizer authorizer(input.objects);
    int checked = 0;
    for (const Request& request : RequestUniverse({&input.objects})) {
      // One name and no URL probes keep the run short; names and URLs are
      // the authorizer's own tests.
      if (!request.is_resource_request || !request.name.empty()) continue;
      CanIOptions options;
      options.workspace_root = workspace;
      options.policy.profile = profile;
      std::string resource = request.resource;
      if (!request.api_group.empty()) {
        absl::StrAppend(&resource, ".", request.api_group);
      }
      if (!request.subresource.empty()) {
        absl::StrAppend(&resource, "/", request.subresource);
      }
      options.request = {request.verb, resource};
      // An unqualified name of another group's resource cannot ask for the
      // core group (kubectl resolves it the same way).
      absl::StatusOr<Request> parsed =
          ParseRequest(request.verb, resource, "", "", input.objects);
      if (!parsed.ok() || parsed->api_group != request.api_group) continue;
      options.request_namespace = request.namespace_name;
      std::ostringstream out, err;
      const int exit = RunCanI(options, out, err);
      const bool allowed = authorizer.Allows(SkyUser(), request);
      ASSERT_EQ(exit, allowed ? kExitYes : kExitNo)
          << err.str() << request.verb << " " << resource << " in \""
          << request.namespace_name << "\"";
      EXPECT_EQ(out.str(), allowed ? "yes\n" : "no\n");
      ++checked;
    }
    EXPECT_GT(checked, 1000);
  }
}

// Imports `yaml` as feature "imported" into a scratch bundle, compiles it and
// checks that it allows what `yaml` allows.
void ExpectImportRoundTrips(const std::string& yaml_path,
                            const std::string& name) {
  SCOPED_TRACE(yaml_path);
  const RbacObjects source = ReadRbacFile(yaml_path);
  absl::StatusOr<std::string> feature =
      ImportFeature(source, {"imported", "source.yaml"});
  ASSERT_TRUE(feature.ok()) << feature.status();
  const std::string workspace = MakeWorkspace(name);
  WriteFile(workspace + "/policies/skypilot/imported.textproto", *feature);
  const std::string bundle_file =
      workspace + "/policies/skypilot/bundle.textproto";
  WriteFile(bundle_file, absl::StrCat(ReadFileOrDie(bundle_file),
                                      "\nfeatures: \"imported\"\n"));
  const PolicyInput compiled = Load("imported", workspace);
  const std::vector<Request> universe =
      RequestUniverse({&source, &compiled.objects});
  EXPECT_TRUE(AllowedRequests(source, SkyUser(), universe) ==
              AllowedRequests(compiled.objects, SkyUser(), universe))
      << *feature;
  EXPECT_TRUE(DiffPolicies(source, compiled.objects).added.empty());
}

TEST(ReviewTest, ImportRoundTripsThePageAndEveryCommittedOutput) {
  ExpectImportRoundTrips(RunfilePath("tests/testdata/create-sky-sa.yaml"),
                         "review_import_page");
  ExpectImportRoundTrips(RunfilePath("outputs/skypilot/minimal/rbac.yaml"),
                         "review_import_minimal");
  ExpectImportRoundTrips(RunfilePath("outputs/skypilot/full/rbac.yaml"),
                         "review_import_full");
}

TEST(ReviewTest, ImportKeepsThePagesCommentsAsReasons) {
  const RbacObjects page =
      ReadRbacFile(RunfilePath("tests/testdata/create-sky-sa.yaml"));
  absl::StatusOr<std::string> feature =
      ImportFeature(page, {"page", "create-sky-sa.yaml"});
  ASSERT_TRUE(feature.ok()) << feature.status();
  EXPECT_NE(feature->find("reason: \"Required for managing SSH keys\""),
            std::string::npos);
  EXPECT_NE(feature->find("reason: \"Required for getting node resources.\""),
            std::string::npos);
}

TEST(ReviewTest, ExplainNamesTheFeatureOfEveryDeclaredRule) {
  const std::string workspace = MakeWorkspace("review_explain");
  const PolicyInput input = Load("full", workspace);
  ASSERT_TRUE(input.compiled.has_value());
  const std::string listing = RenderPolicyExplanation(input);
  int rules = 0;
  for (const ScopedRole& role : input.compiled->roles) {
    for (const CompiledRule& rule : role.rules.rules) {
      for (const RuleSource& source : rule.sources) {
        ++rules;
        // The listing names the feature and place of every source...
        EXPECT_NE(listing.find(absl::StrCat("feature ", source.feature, " ",
                                            source.location.file, ":",
                                            source.location.line + 1)),
                  std::string::npos)
            << source.feature << " " << source.location.ToString();
        // ...and a request for each of its resources is explained by it.
        for (const std::string& resource : source.resources) {
          Grant grant;
          grant.namespace_name = role.namespace_name;
          grant.permission = {
              false, rule.rule.api_groups[0], resource, rule.rule.verbs[0], {}};
          const Request request = Witness(grant);
          const RequestExplanation explanation =
              ExplainRequest(input.objects, SkyUser(), request);
          ASSERT_TRUE(explanation.allowed) << resource;
          bool named = false;
          for (const RuleChain& chain : explanation.granting) {
            for (const RuleSource& cited : chain.rule.sources) {
              named |= cited.feature == source.feature &&
                       cited.location == source.location;
            }
          }
          EXPECT_TRUE(named) << source.feature << " " << resource;
        }
      }
    }
  }
  EXPECT_GE(rules, 10);
}

TEST(ReviewTest, ExplainGivesTheClosestRuleWhenDenied) {
  const std::string workspace = MakeWorkspace("review_explain_denied");
  const PolicyInput input = Load("minimal", workspace);
  Request request;
  request.verb = "delete";
  request.resource = "events";
  request.namespace_name = "default";
  const RequestExplanation explanation =
      ExplainRequest(input.objects, SkyUser(), request);
  EXPECT_FALSE(explanation.allowed);
  ASSERT_EQ(explanation.closest.size(), 1u);
  EXPECT_EQ(explanation.closest[0].rule.rule.resources,
            std::vector<std::string>{"events"});
  EXPECT_EQ(
      explanation.mismatches,
      std::vector<std::string>{"verb delete is not in [get, list, watch]"});
}

}  // namespace
}  // namespace rbacc
