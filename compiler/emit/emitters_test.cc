// Tests for the emitters' texts that no committed output exercises.
#include "compiler/emit/emitters.h"

#include <string>

#include "compiler/emit/text_output.h"
#include "compiler/merge/compiled_policy.h"
#include "gtest/gtest.h"

namespace rbacc {
namespace {

TEST(EmitRbacYamlTest, DroppedRuleNamesEveryApiGroup) {
  CompiledPolicy policy;
  policy.selection.cluster_scope = v1::CLUSTER_SCOPE_NONE;
  DroppedRule& dropped = policy.dropped_rules.emplace_back();
  dropped.rule.api_groups = {"", "apps"};
  dropped.rule.resources = {"pods", "deployments"};
  dropped.rule.verbs = {"list"};
  dropped.source.feature = "status";
  dropped.source.reason = "lists workloads";
  const std::string yaml =
      CollectText([&](TextOutput& out) { EmitRbacYaml(policy, out); });
  EXPECT_NE(yaml.find("- cluster-wide core,apps/pods,deployments [list] "
                      "(status: lists workloads"),
            std::string::npos)
      << yaml;
}

}  // namespace
}  // namespace rbacc
