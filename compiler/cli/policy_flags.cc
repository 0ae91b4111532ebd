#include "compiler/cli/policy_flags.h"

#include "compiler/cli/review_input.h"

namespace rbacc {

void AddPolicyFlags(TargetNamespaceFlag target, FlagSet* flags) {
  flags->AddString("rbac", "FILE_OR_FOLDER",
                   "Read this RBAC YAML file or output folder instead of "
                   "compiling a selection.");
  AddSelectionFlags(target, flags);
}

bool PolicyFromFlags(const FlagSet& flags, TargetNamespaceFlag target,
                     const std::string& command, std::ostream& err,
                     PolicySpec* spec) {
  const SelectionOverrides overrides =
      SelectionOverridesFromFlags(flags, target);
  const std::string rbac = flags.String("rbac");
  const std::string profile = flags.String("profile");
  if (rbac.empty() && profile.empty() && !overrides.features) {
    err << "rbacc " << command
        << ": name what to look at: --profile=NAME, --features=... or "
           "--rbac=FILE_OR_FOLDER\n";
    return false;
  }
  *spec = SelectionSpec(rbac, flags.String("bundle"), profile, overrides);
  return true;
}

void AddRequestFlags(FlagSet* flags) {
  flags
      ->AddString("namespace", "NS",
                  "The request's namespace, as in kubectl. Default: the "
                  "selection's target namespace (for YAML: default).")
      .short_name = "n";
  flags->AddString("as", "USER",
                   "The identity asking: a user name or "
                   "system:serviceaccount:NAMESPACE:NAME. Default: the "
                   "compiled service account.");
  flags->AddList("as_group", "GROUP,...",
                 "Groups of the --as identity, comma-separated or repeated.");
  flags
      ->AddBool("all_namespaces", false,
                "Ask cluster-wide rather than in one namespace, as kubectl's "
                "--all-namespaces.")
      .short_name = "A";
}

RequestFlags RequestFlagsFrom(const FlagSet& flags) {
  RequestFlags request;
  if (flags.Given("namespace")) {
    request.request_namespace = flags.String("namespace");
  }
  request.as = flags.String("as");
  request.as_groups = flags.List("as_group");
  request.all_namespaces = flags.Bool("all_namespaces");
  return request;
}

}  // namespace rbacc
