#include "compiler/cli/list_command.h"

#include <algorithm>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "compiler/common/issue.h"
#include "compiler/load/bundle_loader.h"

namespace rbacc {
namespace {

namespace fs = std::filesystem;

// "name" padded to `width` columns.
std::string Padded(const std::string& name, size_t width) {
  return name.size() >= width ? name + " "
                              : name + std::string(width - name.size(), ' ');
}

void PrintBundle(const LoadedBundle& bundle, std::ostream& out) {
  const v1::Bundle& proto = bundle.proto;
  out << "bundle " << proto.name() << "@" << bundle.digest << " ("
      << bundle.display_directory << ")\n";
  if (!proto.description().empty()) out << "  " << proto.description() << "\n";
  size_t width = 0;
  for (const auto& [name, feature] : bundle.features) {
    width = std::max(width, name.size() + 2);
  }
  for (const auto& [name, profile] : bundle.profiles) {
    width = std::max(width, name.size() + 2);
  }
  out << "  features:\n";
  for (const std::string& name : proto.features()) {
    const auto feature = bundle.features.find(name);
    if (feature == bundle.features.end()) continue;
    const v1::Feature& f = feature->second.proto;
    out << "    " << Padded(name, width) << f.summary();
    if (!f.requires().empty()) {
      out << " (requires " << absl::StrJoin(f.requires(), ", ") << ")";
    }
    out << "\n";
  }
  out << "  profiles:\n";
  for (const auto& [name, profile] : bundle.profiles) {
    const v1::Profile& p = profile.proto;
    out << "    " << Padded(name, width) << p.summary() << " ["
        << absl::StrJoin(p.features(), ", ") << "]";
    if (!p.contexts().empty()) {
      std::vector<std::string> contexts;
      for (const v1::ContextIdentity& context : p.contexts()) {
        contexts.push_back(context.name());
      }
      out << " contexts: " << absl::StrJoin(contexts, ", ");
    }
    out << "\n";
  }
  const v1::Defaults& defaults = proto.defaults();
  std::vector<std::string> modes;
  for (const v1::IdentityMode& mode : proto.application().identity_modes()) {
    modes.push_back(mode.name());
  }
  out << "  identities: a service account name (default "
      << (defaults.remote_identity().empty() ? defaults.service_account()
                                             : defaults.remote_identity())
      << ")";
  if (!modes.empty()) out << ", or " << absl::StrJoin(modes, ", ");
  out << "\n";
}

}  // namespace

int RunList(const std::string& workspace_root, const std::string& bundle,
            std::ostream& out, std::ostream& err) {
  const fs::path root(workspace_root);
  std::vector<fs::path> directories;
  for (const std::string& argument : bundle.empty()
                                         ? ListBundles(workspace_root)
                                         : std::vector<std::string>{bundle}) {
    directories.push_back(BundleDirectory(workspace_root, argument));
  }
  int exit_code = 0;
  for (size_t i = 0; i < directories.size(); ++i) {
    IssueList issues;
    const std::string shown = directories[i].lexically_relative(root).string();
    absl::StatusOr<LoadedBundle> loaded =
        LoadBundle(directories[i].string(), shown, &issues);
    if (!loaded.ok() || issues.has_errors()) {
      err << (loaded.ok() ? issues.Render(loaded->file_texts)
                          : absl::StrCat(loaded.status().message(), "\n"));
      exit_code = 2;
      continue;
    }
    if (i > 0) out << "\n";
    PrintBundle(*loaded, out);
  }
  return exit_code;
}

ListCommand::ListCommand()
    : Command({"list",
               "bundles, features, profiles and identity modes",
               "list [flags]",
               "Prints every bundle under policies/ (or the one --bundle "
               "names) with its features, profiles (with their contexts) and "
               "identity modes.\n\nExit codes: 0 listed; 2 a bundle does not "
               "load, or invalid flags.",
               {"bazel run //compiler -- list",
                "bazel run //compiler -- list --bundle=skypilot"}}) {}

void ListCommand::DeclareFlags(FlagSet* flags) const {
  flags->AddString("bundle", "NAME_OR_PATH",
                   "Only this bundle: a folder name under policies/ or a path "
                   "to a bundle folder. Default: every bundle.");
}

int ListCommand::Execute(const Invocation& call) const {
  if (!call.positional.empty()) {
    return UnexpectedArgument(call.positional[0], "list takes flags only",
                              call.err);
  }
  return RunList(call.env.workspace_root, call.flags.String("bundle"), call.out,
                 call.err);
}

}  // namespace rbacc
