#include "compiler/load/bundle_loader.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "compiler/load/text_format_reader.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace rbacc {
namespace {

constexpr char kBundleFile[] = "bundle.textproto";
constexpr char kProfilesFolder[] = "profiles";
constexpr char kPolicyExtension[] = ".textproto";

// FNV-1a, 64 bits.
void HashBytes(const std::string& bytes, uint64_t& hash) {
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
}

std::string DeterministicBytes(const google::protobuf::Message& message) {
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  message.SerializeToCodedStream(&coded);
  coded.Trim();
  return bytes;
}

// Reads and parses one file into `message`. Returns false (with issues) when
// the file has errors; a non-OK status when it cannot be read.
absl::StatusOr<bool> LoadFile(const std::filesystem::path& path,
                              const std::string& display_path,
                              google::protobuf::Message* message,
                              SourceFile* source, LoadedBundle* bundle,
                              IssueList* issues) {
  IssueList file_issues;
  absl::StatusOr<SourceFile> read =
      ReadSourceFile(path.string(), display_path, &file_issues);
  if (!read.ok()) return read.status();
  *source = *std::move(read);
  const bool ok = !file_issues.has_errors() &&
                  ParseTextFormat(*source, message, &file_issues);
  // The bundle keeps one copy of each text, for rendering issues.
  bundle->file_texts[display_path] = std::move(source->text);
  source->text.clear();
  issues->Append(file_issues);
  return ok;
}

// The rules `feature` declares, in every scope.
int CountRules(const rbacc::v1::Feature& feature) {
  int rules = feature.namespace_rules_size() + feature.cluster_rules_size();
  for (const rbacc::v1::FixedNamespaceGrant& grant :
       feature.fixed_namespace_rules()) {
    rules += grant.rules_size();
  }
  return rules;
}

}  // namespace

bool IsBundlePath(const std::string& argument) {
  return absl::StrContains(argument, '/') || absl::StartsWith(argument, ".");
}

std::vector<std::string> ListBundles(const std::string& workspace_root) {
  namespace fs = std::filesystem;
  std::vector<std::string> names;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(
           fs::path(workspace_root) / kPoliciesFolder, error)) {
    if (fs::is_regular_file(entry.path() / kBundleFile, error)) {
      names.push_back(entry.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string BundleDirectory(const std::string& workspace_root,
                            const std::string& argument) {
  const std::filesystem::path root(workspace_root);
  return (IsBundlePath(argument) ? root / argument
                                 : root / kPoliciesFolder / argument)
      .string();
}

absl::StatusOr<LoadedBundle> LoadBundle(const std::string& directory,
                                        const std::string& display_directory,
                                        IssueList* issues) {
  namespace fs = std::filesystem;
  LoadedBundle bundle;
  bundle.directory = directory;
  bundle.display_directory = display_directory;
  const fs::path root(directory);
  const auto display = [&](const std::string& relative) {
    return display_directory.empty()
               ? relative
               : absl::StrCat(display_directory, "/", relative);
  };

  std::error_code error;
  if (!fs::is_regular_file(root / kBundleFile, error)) {
    return absl::NotFoundError(
        absl::StrCat(display(kBundleFile),
                     ": no such file; --bundle must name a folder under "
                     "policies/ or a path to a "
                     "folder holding bundle.textproto"));
  }
  absl::StatusOr<bool> parsed =
      LoadFile(root / kBundleFile, display(kBundleFile), &bundle.proto,
               &bundle.source, &bundle, issues);
  if (!parsed.ok()) return parsed.status();

  int total_rules = 0;
  for (int i = 0; i < bundle.proto.features_size(); ++i) {
    const std::string& name = bundle.proto.features(i);
    if (bundle.features.count(name) > 0) continue;
    const std::string file = absl::StrCat(name, kPolicyExtension);
    if (name.empty() || absl::StrContains(name, '/') || name[0] == '.' ||
        !fs::is_regular_file(root / file, error)) {
      issues->AddError(
          bundle.source.Locate(absl::StrCat("features[", i, "]")),
          absl::StrCat("feature \"", name, "\" is listed but ", display(file),
                       " does not exist; create it or remove the feature"));
      continue;
    }
    LoadedFeature feature;
    parsed = LoadFile(root / file, display(file), &feature.proto,
                      &feature.source, &bundle, issues);
    if (!parsed.ok()) return parsed.status();
    if (!*parsed) continue;
    total_rules += CountRules(feature.proto);
    if (total_rules > kMaxRulesPerBundle) {
      issues->AddError(
          bundle.source.Locate(absl::StrCat("features[", i, "]")),
          absl::StrCat("the features up to \"", name, "\" declare ",
                       total_rules, " rules, more than the ",
                       kMaxRulesPerBundle,
                       " a bundle may have; the remaining features were not "
                       "read. Merge overlapping rules or split the bundle"));
      break;
    }
    bundle.features.emplace(name, std::move(feature));
  }

  const fs::path profiles = root / kProfilesFolder;
  if (fs::is_directory(profiles, error)) {
    std::vector<fs::path> files;
    for (const fs::directory_entry& entry :
         fs::directory_iterator(profiles, error)) {
      if (entry.path().extension() == kPolicyExtension)
        files.push_back(entry.path());
    }
    if (error) {
      return absl::UnavailableError(absl::StrCat(
          display(kProfilesFolder), ": cannot be listed: ", error.message()));
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      LoadedProfile profile;
      const std::string name = file.stem().string();
      parsed = LoadFile(
          file,
          display(absl::StrCat(kProfilesFolder, "/", name, kPolicyExtension)),
          &profile.proto, &profile.source, &bundle, issues);
      if (!parsed.ok()) return parsed.status();
      if (*parsed) bundle.profiles.emplace(name, std::move(profile));
    }
  }

  uint64_t hash = 0xcbf29ce484222325ULL;
  HashBytes(DeterministicBytes(bundle.proto), hash);
  for (const auto& [name, feature] : bundle.features) {
    HashBytes(name, hash);
    HashBytes(DeterministicBytes(feature.proto), hash);
  }
  bundle.digest = absl::StrFormat("%016x", hash);
  return bundle;
}

}  // namespace rbacc
