// Checks of the bundle's fields that the schema states but the parser cannot
// enforce: enum values in range and set, names unique and spelt as the schema
// comments say, and config keys that belong to the compiler or fix what the
// Helm chart grants.
#ifndef RBACC_COMPILER_VALIDATE_BUNDLE_FIELDS_H_
#define RBACC_COMPILER_VALIDATE_BUNDLE_FIELDS_H_

#include "compiler/common/issue.h"
#include "compiler/load/bundle_loader.h"
#include "compiler/load/source_file.h"
#include "proto/rbacc/v1/policy.pb.h"

namespace rbacc {

// Adds an error to `issues`, at the field, for each of: an `outputs` value
// that is UNSPECIFIED, out of range or listed twice; an identity mode whose
// name is empty, not upper case letters and "_", or declared twice; a profile's
// cluster_scope out of range. Reports nothing when all are valid.
void CheckBundleFields(const LoadedBundle& bundle, IssueList* issues);

// Adds an error to `issues` for each key of `feature` (located in `source`)
// that a feature may not set: an app_config key that is (or is inside, or
// holds) the bundle's identity or contexts key, which the compiler writes from
// the selection; a helm_values key that is one of the chart keys the compiler
// fills (namespace, service account, rules) or that the bundle's
// helm_chart.values sets (they fix what the chart grants by itself, e.g.
// rbac.manageRbacPolicies). Reports nothing when all keys are the feature's.
void CheckFeatureConfigKeys(const v1::Bundle& bundle,
                            const v1::Feature& feature,
                            const SourceFile& source, IssueList* issues);

}  // namespace rbacc

#endif  // RBACC_COMPILER_VALIDATE_BUNDLE_FIELDS_H_
