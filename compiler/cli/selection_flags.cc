#include "compiler/cli/selection_flags.h"

#include <vector>

namespace rbacc {
namespace {

// --cluster_scope's values.
const EnumValues<v1::ClusterScope>& ClusterScopes() {
  static const auto* const kScopes = new EnumValues<v1::ClusterScope>{
      {"full", v1::CLUSTER_SCOPE_FULL}, {"none", v1::CLUSTER_SCOPE_NONE}};
  return *kScopes;
}

// --bootstrap's values.
const EnumValues<v1::BootstrapMode>& BootstrapModes() {
  static const auto* const kModes = new EnumValues<v1::BootstrapMode>{
      {"precreate", v1::BOOTSTRAP_PRECREATE}, {"grant", v1::BOOTSTRAP_GRANT}};
  return *kModes;
}

// The name of the flag that sets the target namespaces.
std::string TargetFlagName(TargetNamespaceFlag target) {
  return target == TargetNamespaceFlag::kNamespace ? "namespace"
                                                   : "target_namespace";
}

// `name` as a flag, for locating an override at it: "--features".
SourceLocation At(const std::string& name) {
  SourceLocation location;
  location.file = "--" + name;
  return location;
}

}  // namespace

void AddSelectionFlags(TargetNamespaceFlag target, FlagSet* flags) {
  flags->AddString("bundle", "NAME_OR_PATH",
                   "Bundle: a folder name under policies/ or a path to a "
                   "bundle folder. Default: skypilot when --profile or "
                   "--features is given, else every bundle.");
  flags->AddString("profile", "NAME",
                   "One committed profile to compile "
                   "(policies/<bundle>/profiles/<NAME>.textproto). Default: "
                   "every profile.");
  flags->AddList("features", "A,B",
                 "Comma-separated features to merge instead of a profile's, "
                 "e.g. base,show-gpus. Features they require are added.");
  if (target == TargetNamespaceFlag::kNamespace) {
    flags
        ->AddList("namespace", "NS[,NS]",
                  "Namespace(s) of the service account and the namespaced "
                  "Role; default the profile's or the bundle's.")
        .short_name = "n";
  } else {
    flags->AddList("target_namespace", "NS[,NS]",
                   "The selection's target namespace(s) (--namespace is the "
                   "request's, as in kubectl).");
  }
  flags->AddString("service_account", "NAME",
                   "Service account the roles are bound to. Default: the "
                   "profile's or the bundle's (sky-sa).");
  flags->AddString("remote_identity", "NAME_OR_MODE",
                   "How the application authenticates in-cluster: a custom "
                   "service account's name, or one of the bundle's identity "
                   "modes (SkyPilot: SERVICE_ACCOUNT, LOCAL_CREDENTIALS, "
                   "NO_UPLOAD).");
  flags->AddBool("create_service_account", true,
                 "Whether rbac.yaml creates the service account; false when "
                 "it already exists.");
  flags->AddEnum("cluster_scope", ClusterScopes(), "",
                 "full (the profile's default): rbac.yaml holds the "
                 "ClusterRole, Roles in fixed namespaces and Namespaces the "
                 "features need; none: only the target namespaces' objects, "
                 "for tenants without cluster rights (what that drops is "
                 "listed in rbac.yaml and PERMISSIONS.md).");
  flags->AddEnum("bootstrap", BootstrapModes(), "",
                 "For an identity mode whose application creates its own "
                 "account (SkyPilot: SERVICE_ACCOUNT, LOCAL_CREDENTIALS, "
                 "NO_UPLOAD): precreate (default): rbac.yaml creates its "
                 "objects exactly as the application writes them and the "
                 "launcher may only read them; grant: the launcher "
                 "(--subjects) may create and patch them.");
  flags->AddList("subjects", "KIND:NAME,...",
                 "Comma-separated extra subjects bound to every role: "
                 "User:NAME, Group:NAME, ServiceAccount:NAMESPACE/NAME.");
  flags->AddList("contexts", "CONTEXT[=IDENTITY],...",
                 "Comma-separated kubeconfig contexts, each CONTEXT=IDENTITY "
                 "(a service account or an identity mode) or CONTEXT (the "
                 "profile's settings for it): one output folder per context "
                 "and one config.yaml mapping each to its identity.");
  flags->AddString("chart_release", "RELEASE",
                   "The Helm release values.yaml is written for (the chart "
                   "names its objects after it). Default: the profile's or "
                   "the bundle's (skypilot).");
}

SelectionOverrides SelectionOverridesFromFlags(const FlagSet& flags,
                                               TargetNamespaceFlag target) {
  SelectionOverrides overrides;
  const std::string namespace_flag = TargetFlagName(target);
  if (flags.Given("features")) {
    overrides.features = {flags.List("features"), At("features")};
  }
  if (flags.Given(namespace_flag)) {
    overrides.namespaces = {flags.List(namespace_flag), At(namespace_flag)};
  }
  if (flags.Given("create_service_account")) {
    overrides.create_service_account = {flags.Bool("create_service_account"),
                                        At("create_service_account")};
  }
  if (flags.Given("service_account")) {
    overrides.service_account = {flags.String("service_account"),
                                 At("service_account")};
  }
  if (flags.Given("remote_identity")) {
    overrides.remote_identity = {flags.String("remote_identity"),
                                 At("remote_identity")};
  }
  if (flags.Given("subjects")) {
    overrides.subjects = {flags.List("subjects"), At("subjects")};
  }
  if (flags.Given("cluster_scope")) {
    overrides.cluster_scope = {
        flags.Enum("cluster_scope", ClusterScopes()), At("cluster_scope"), {}};
  }
  if (flags.Given("bootstrap")) {
    overrides.bootstrap = {
        flags.Enum("bootstrap", BootstrapModes()), At("bootstrap"), {}};
  }
  if (flags.Given("contexts")) {
    overrides.contexts = {flags.List("contexts"), At("contexts")};
  }
  if (flags.Given("chart_release")) {
    overrides.chart_release = {flags.String("chart_release"),
                               At("chart_release")};
  }
  return overrides;
}

}  // namespace rbacc
