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

}  // namespace rbacc
