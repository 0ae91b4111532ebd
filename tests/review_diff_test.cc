// `rbacc diff` agrees with the authorizer: the diff of every pair of
// selections of one bundle family (every feature subset of skypilot-docs
// with the committed profiles of skypilot-docs and skypilot-legacy; each
// feature of skypilot alone with its committed profiles, found on disk) lists
// exactly the requests one side allows and the other does not, for every
// subject either side binds; cosmetic edits of every committed output and of
// every policy file (rules split and reordered, comments and layout gone) give
// empty diffs; and skypilot-docs' `full` against the page's YAML is empty.
#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "compiler/common/authorizer.h"
#include "compiler/common/issue.h"
#include "compiler/load/bundle_loader.h"
#include "compiler/review/diff.h"
#include "compiler/review/grants.h"
#include "compiler/review/policy_input.h"
#include "compiler/review/rbac_yaml_reader.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "proto/rbacc/v1/policy.pb.h"
#include "tests/testing/workspace.h"

namespace rbacc {
namespace {

using ::rbacc::testing::BoundUsers;
using ::rbacc::testing::CommittedOutputs;
using ::rbacc::testing::CommittedProfile;
using ::rbacc::testing::CommittedProfiles;
using ::rbacc::testing::LoadPolicyOrFail;
using ::rbacc::testing::MakeWorkspace;
using ::rbacc::testing::ReadFileOrDie;
using ::rbacc::testing::ReadRbacFile;
using ::rbacc::testing::ReadTree;
using ::rbacc::testing::RequestUniverse;
using ::rbacc::testing::RunfilePath;
using ::rbacc::testing::Subfolders;
using ::rbacc::testing::UserForSubject;
using ::rbacc::testing::WriteFile;

// The features of `bundle` in `workspace`, in bundle.textproto's order.
std::vector<std::string> BundleFeatures(const std::string& workspace,
                                        const std::string& bundle) {
  IssueList issues;
  absl::StatusOr<LoadedBundle> loaded =
      LoadBundle(BundleDirectory(workspace, bundle), bundle, &issues);
  EXPECT_TRUE(loaded.ok()) << loaded.status();
  if (!loaded.ok()) return {};
  return std::vector<std::string>(loaded->proto.features().begin(),
                                  loaded->proto.features().end());
}

// References to compare for `bundle`: for skypilot-docs (the page's four
// features) every non-empty feature selection, for a larger bundle each
// feature alone; with the committed profiles of `bundle` and, for
// skypilot-docs, of skypilot-legacy.
std::vector<std::string> Selections(const std::string& workspace,
                                    const std::string& bundle) {
  std::vector<std::string> selections;
  const std::vector<std::string> features = BundleFeatures(workspace, bundle);
  if (features.size() <= 4) {
    for (size_t mask = 1; mask < (size_t{1} << features.size()); ++mask) {
      std::vector<std::string> chosen;
      for (size_t i = 0; i < features.size(); ++i) {
        if (mask & (size_t{1} << i)) chosen.push_back(features[i]);
      }
      selections.push_back(bundle + ":" + absl::StrJoin(chosen, ","));
    }
  } else {
    for (const std::string& feature : features) {
      selections.push_back(bundle + ":" + feature);
    }
  }
  for (const CommittedProfile& profile : CommittedProfiles()) {
    if (profile.bundle == bundle ||
        (bundle == "skypilot-docs" && profile.bundle == "skypilot-legacy")) {
      selections.push_back(profile.Reference());
    }
  }
  return selections;
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

// The single permission of `grant` as a rule.
PolicyRule GrantRule(const Grant& grant) {
  PolicyRule rule;
  (grant.permission.is_url ? rule.non_resource_urls : rule.resources)
      .push_back(grant.permission.target);
  if (!grant.permission.is_url) {
    rule.api_groups.push_back(grant.permission.group);
  }
  rule.verbs.push_back(grant.permission.verb);
  rule.resource_names = grant.permission.names;
  return rule;
}

// One side's listed grants of a diff, by the resource (or URL) they name, to
// find those that may allow a request without trying every one.
class ListedGrants {
 public:
  explicit ListedGrants(const std::vector<Grant>& grants) {
    for (const Grant& grant : grants) {
      by_target_[grant.permission.is_url ? kUrls : grant.permission.target]
          .emplace_back(&grant, GrantRule(grant));
    }
  }

  // True when a grant for `user`'s subject allows `request`.
  bool AnyAllows(const UserInfo& user, const Request& request) const {
    std::vector<std::string> targets = {kUrls};
    if (request.is_resource_request) {
      targets = {request.resource, "*"};
      if (!request.subresource.empty()) {
        targets = {absl::StrCat(request.resource, "/", request.subresource),
                   "*", absl::StrCat("*/", request.subresource)};
      }
    }
    for (const std::string& target : targets) {
      const auto found = by_target_.find(target);
      if (found == by_target_.end()) continue;
      for (const auto& [grant, rule] : found->second) {
        if ((grant->namespace_name.empty() ||
             grant->namespace_name == request.namespace_name) &&
            SubjectAppliesTo(grant->subject, user, "") &&
            RuleAllows(rule, request)) {
          return true;
        }
      }
    }
    return false;
  }

 private:
  // The key of URL grants (no resource is named so).
  static constexpr char kUrls[] = "/";
  std::map<std::string, std::vector<std::pair<const Grant*, PolicyRule>>>
      by_target_;
};

// Which requests of a universe one identity is allowed, one bit each.
using Bits = std::vector<uint64_t>;

// A policy with the requests each identity may make, evaluated once per
// identity.
class Evaluated {
 public:
  Evaluated(std::string name, RbacObjects objects,
            const std::vector<Request>* universe)
      : name_(std::move(name)),
        objects_(std::move(objects)),
        universe_(universe) {}

  const std::string& name() const { return name_; }
  const RbacObjects& objects() const { return objects_; }

  // The requests of the universe `user` may make.
  const Bits& Allowed(const UserInfo& user) {
    const std::string key =
        absl::StrCat(user.name, "|", absl::StrJoin(user.groups, ","));
    auto found = allowed_.find(key);
    if (found != allowed_.end()) return found->second;
    Bits bits((universe_->size() + 63) / 64, 0);
    const bool bound =
        std::any_of(objects_.bindings.begin(), objects_.bindings.end(),
                    [&](const BindingObject& binding) {
                      return BindingAppliesTo(binding, user);
                    });
    if (bound) {
      const Authorizer authorizer(objects_);
      for (size_t i = 0; i < universe_->size(); ++i) {
        if (authorizer.Allows(user, (*universe_)[i])) {
          bits[i / 64] |= uint64_t{1} << (i % 64);
        }
      }
    }
    return allowed_.emplace(key, std::move(bits)).first->second;
  }

 private:
  std::string name_;
  RbacObjects objects_;
  const std::vector<Request>* universe_;
  std::map<std::string, Bits> allowed_;
};

// Checks the diff from `before` to `after` against the authorizer, for every
// identity either side binds: every listed change has a witness request its
// side allows and the other does not, and every request of the universe
// allowed on one side only is matched by a listed change of that identity.
void ExpectDiffMatchesAuthorizer(Evaluated& before, Evaluated& after,
                                 const std::vector<Request>& universe) {
  SCOPED_TRACE(absl::StrCat(before.name(), " -> ", after.name()));
  const PolicyDiff diff = DiffPolicies(before.objects(), after.objects());
  if (&before == &after) {
    EXPECT_TRUE(diff.empty());
  }
  const Authorizer before_authorizer(before.objects()),
      after_authorizer(after.objects());
  for (const auto& [grants, gained, lost] :
       {std::tuple{&diff.added, &after_authorizer, &before_authorizer},
        std::tuple{&diff.removed, &before_authorizer, &after_authorizer}}) {
    for (const Grant& grant : *grants) {
      const Request witness = Witness(grant);
      const UserInfo user = UserForSubject(grant.subject);
      EXPECT_TRUE(gained->Allows(user, witness) && !lost->Allows(user, witness))
          << "listed change " << SubjectText(grant.subject) << " "
          << PermissionText(grant.permission) << " "
          << ScopeText(grant.namespace_name) << " has no witness";
    }
  }
  const ListedGrants added_grants(diff.added);
  const ListedGrants removed_grants(diff.removed);
  int unlisted = 0;
  for (const UserInfo& user :
       BoundUsers({&before.objects(), &after.objects()})) {
    const Bits& was = before.Allowed(user);
    const Bits& is = after.Allowed(user);
    for (size_t word = 0; word < was.size(); ++word) {
      for (uint64_t changed = was[word] ^ is[word]; changed != 0;
           changed &= changed - 1) {
        const size_t i = word * 64 + __builtin_ctzll(changed);
        const Request& request = universe[i];
        const bool added = (is[word] >> (i % 64)) & 1;
        const bool explained =
            (added ? added_grants : removed_grants).AnyAllows(user, request);
        if (!explained && ++unlisted <= 5) {
          ADD_FAILURE() << (added ? "added" : "removed")
                        << " but not listed: " << user.name << " "
                        << request.verb << " " << request.api_group << "/"
                        << request.resource << "/" << request.subresource
                        << " name=" << request.name
                        << " ns=" << request.namespace_name;
        }
      }
    }
  }
  EXPECT_EQ(unlisted, 0);
}

// The pairs are compared per bundle family, each its own test (and Bazel
// shard) with its own request universe, so that each finishes well within the
// test timeout: the page's bundles (skypilot-docs and skypilot-legacy) and the
// code-tracking skypilot.
class DiffPairsTest : public ::testing::TestWithParam<std::string> {};

TEST_P(DiffPairsTest, DiffOfEveryPairOfSelectionsMatchesTheAuthorizer) {
  const std::string workspace = MakeWorkspace("review_diff_pairs");
  const std::vector<std::string> references = Selections(workspace, GetParam());
  std::vector<PolicyInput> inputs;
  std::vector<const RbacObjects*> all;
  for (const std::string& reference : references) {
    inputs.push_back(LoadPolicyOrFail(reference, workspace));
  }
  for (const PolicyInput& input : inputs) all.push_back(&input.objects);
  const std::vector<Request> universe = RequestUniverse(all);
  std::vector<Evaluated> evaluated;
  for (size_t i = 0; i < inputs.size(); ++i) {
    evaluated.emplace_back(references[i], inputs[i].objects, &universe);
  }
  // Every ordered pair, a policy against itself too (that diff must be
  // empty).
  for (Evaluated& before : evaluated) {
    for (Evaluated& after : evaluated) {
      ExpectDiffMatchesAuthorizer(before, after, universe);
    }
  }
  EXPECT_GE(evaluated.size(), 15u);
}

INSTANTIATE_TEST_SUITE_P(Bundles, DiffPairsTest,
                         ::testing::Values("skypilot-docs", "skypilot"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return absl::StrReplaceAll(info.param, {{"-", "_"}});
                         });

TEST(ReviewTest, DiffAgainstThePageIsEmptyForFull) {
  const std::string workspace = MakeWorkspace("review_diff_page");
  const RbacObjects page =
      ReadRbacFile(RunfilePath("tests/testdata/create-sky-sa.yaml"));
  const PolicyDiff diff = DiffPolicies(
      LoadPolicyOrFail("skypilot-docs:full", workspace).objects, page);
  EXPECT_TRUE(diff.added.empty() && diff.removed.empty())
      << RenderDiff(diff, DiffFormat::kText, "full", "page");
}

TEST(ReviewTest, CosmeticEditsGiveAnEmptyDiff) {
  for (const std::string& output : CommittedOutputs()) {
    SCOPED_TRACE(output);
    const std::string path = RunfilePath(output);
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

// `rules` with every rule split into one per resource (or URL), in reverse
// order: the same permissions, written differently.
void SplitAndReverse(google::protobuf::RepeatedPtrField<v1::Rule>* rules) {
  std::vector<v1::Rule> split;
  for (const v1::Rule& rule : *rules) {
    const bool urls = rule.resources().empty();
    const auto& targets = urls ? rule.non_resource_urls() : rule.resources();
    for (const std::string& target : targets) {
      v1::Rule one = rule;
      (urls ? one.mutable_non_resource_urls() : one.mutable_resources())
          ->Clear();
      *(urls ? one.add_non_resource_urls() : one.add_resources()) = target;
      split.push_back(one);
    }
  }
  rules->Clear();
  for (auto it = split.rbegin(); it != split.rend(); ++it) *rules->Add() = *it;
}

// Rewrites every feature file of `workspace`'s bundles cosmetically: rules
// split and reversed, fixed namespaces reversed, the file reprinted by
// protobuf (its comments and layout gone) under a new comment.
void RewriteFeaturesCosmetically(const std::string& workspace) {
  const std::string policies = workspace + "/policies";
  int rewritten = 0;
  for (const std::string& bundle : Subfolders(policies)) {
    const std::map<std::string, std::string> files =
        ReadTree(policies + "/" + bundle);
    v1::Bundle bundle_proto;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
        files.at("bundle.textproto"), &bundle_proto))
        << bundle;
    for (const auto& [name, text] : files) {
      if (name == "bundle.textproto" || name.find('/') != std::string::npos ||
          name == bundle_proto.calls_file()) {
        continue;  // The bundle itself, profiles/ and the calls file.
      }
      v1::Feature feature;
      ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &feature))
          << bundle << "/" << name;
      SplitAndReverse(feature.mutable_namespace_rules());
      SplitAndReverse(feature.mutable_cluster_rules());
      for (v1::FixedNamespaceGrant& fixed :
           *feature.mutable_fixed_namespace_rules()) {
        SplitAndReverse(fixed.mutable_rules());
      }
      std::reverse(feature.mutable_fixed_namespace_rules()->begin(),
                   feature.mutable_fixed_namespace_rules()->end());
      std::string printed;
      ASSERT_TRUE(
          google::protobuf::TextFormat::PrintToString(feature, &printed));
      WriteFile(
          absl::StrCat(policies, "/", bundle, "/", name),
          absl::StrCat("# Rewritten: same rules, split and reordered.\n\n",
                       printed));
      ++rewritten;
    }
  }
  EXPECT_GE(rewritten, 5);
}

TEST(ReviewTest, CosmeticPolicyEditsGiveAnEmptyDiff) {
  const std::string original = MakeWorkspace("review_cosmetic_original");
  const std::string edited = MakeWorkspace("review_cosmetic_edited");
  RewriteFeaturesCosmetically(edited);
  for (const CommittedProfile& profile : CommittedProfiles()) {
    SCOPED_TRACE(profile.Reference());
    const PolicyInput before = LoadPolicyOrFail(profile.Reference(), original);
    const PolicyInput after = LoadPolicyOrFail(profile.Reference(), edited);
    const PolicyDiff diff = DiffPolicies(before.objects, after.objects);
    EXPECT_TRUE(diff.empty())
        << RenderDiff(diff, DiffFormat::kText, "original", "edited");
    EXPECT_FALSE(before.objects.roles.empty());
  }
}

}  // namespace
}  // namespace rbacc
