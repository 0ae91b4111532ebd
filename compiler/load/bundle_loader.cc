#include "compiler/load/bundle_loader.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "compiler/common/input_file.h"
#include "compiler/common/parallel.h"
#include "compiler/load/canonical_bytes.h"
#include "compiler/load/text_format_reader.h"

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

// Reads and parses one file into `message` and `source`, leaving its text in
// `text` and its mistakes in `issues` (which holds only this file's). Returns
// false when the file has errors; a non-OK status when it cannot be read.
absl::StatusOr<bool> ParseFile(const std::filesystem::path& path,
                               const std::string& display_path,
                               google::protobuf::Message* message,
                               SourceFile* source, std::string* text,
                               IssueList* issues) {
  absl::StatusOr<SourceFile> read =
      ReadSourceFile(path.string(), display_path, issues);
  if (!read.ok()) return read.status();
  *source = *std::move(read);
  const bool ok =
      !issues->has_errors() && ParseTextFormat(*source, message, issues);
  *text = std::move(source->text);
  source->text.clear();
  return ok;
}

// Reads and parses one file as ParseFile does, keeping its text in
// `bundle->file_texts` and adding its mistakes to `issues`.
absl::StatusOr<bool> LoadFile(const std::filesystem::path& path,
                              const std::string& display_path,
                              google::protobuf::Message* message,
                              SourceFile* source, LoadedBundle* bundle,
                              IssueList* issues) {
  IssueList file_issues;
  std::string text;
  absl::StatusOr<bool> ok =
      ParseFile(path, display_path, message, source, &text, &file_issues);
  if (!ok.ok()) return ok.status();
  bundle->file_texts[display_path] = std::move(text);
  issues->Append(std::move(file_issues));
  return ok;
}

// LoadedBundle::digest of `bundle`: a hash of the canonical bytes of its
// messages (not of protobuf's serialization, which protobuf versions may
// change). The features are encoded on every core, a batch at a time so that
// only a batch's bytes are held at once.
std::string Digest(const LoadedBundle& bundle) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  HashBytes(CanonicalBytes(bundle.proto), hash);
  if (bundle.calls.has_value()) {
    HashBytes(CanonicalBytes(bundle.calls->proto), hash);
  }
  std::vector<const std::pair<const std::string, LoadedFeature>*> features;
  features.reserve(bundle.features.size());
  for (const auto& entry : bundle.features) features.push_back(&entry);
  constexpr size_t kBatch = 64;
  std::vector<std::string> bytes(kBatch);
  for (size_t start = 0; start < features.size(); start += kBatch) {
    const size_t count = std::min(kBatch, features.size() - start);
    ParallelFor(count, [&](size_t i) {
      bytes[i] = CanonicalBytes(features[start + i]->second.proto);
    });
    for (size_t i = 0; i < count; ++i) {
      HashBytes(features[start + i]->first, hash);
      HashBytes(bytes[i], hash);
    }
  }
  return absl::StrFormat("%016x", hash);
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

// A feature file read and parsed on its own, possibly on another thread.
struct ParsedFeature {
  // Whether the file parsed (false with errors in `issues`), or why it could
  // not be read.
  absl::StatusOr<bool> parsed = false;
  LoadedFeature feature;
  std::string text;
  IssueList issues;
};

// Tells the threads parsing feature files, in list order, when to stop: once
// the files up to some point are parsed and declare more than
// kMaxRulesPerBundle rules together, the files after it are not needed (the
// loader stops there), so those not started yet are skipped.
class RuleLimit {
 public:
  explicit RuleLimit(size_t files) : rules_(files, kUnknown) {}

  // True when the limit is crossed before the first file not yet parsed, so
  // no file that is not being parsed yet is needed.
  bool Reached() {
    std::lock_guard<std::mutex> lock(mutex_);
    return reached_;
  }

  // Records that file `index` declares `rules` (0 when it did not parse).
  void Parsed(size_t index, int rules) {
    std::lock_guard<std::mutex> lock(mutex_);
    rules_[index] = rules;
    for (; parsed_prefix_ < rules_.size() && rules_[parsed_prefix_] != kUnknown;
         ++parsed_prefix_) {
      prefix_rules_ += rules_[parsed_prefix_];
    }
    reached_ = prefix_rules_ > kMaxRulesPerBundle;
  }

 private:
  static constexpr int kUnknown = -1;
  std::mutex mutex_;
  // The rules of each file, kUnknown until it is parsed.
  std::vector<int> rules_;
  // Files [0, parsed_prefix_) are parsed and declare prefix_rules_ together.
  size_t parsed_prefix_ = 0;
  int64_t prefix_rules_ = 0;
  bool reached_ = false;
};

// Reads and parses the feature files `names` (distinct, in the order the bundle
// lists them) from `root`, on every core. A file after the point where the
// files before it declare more than kMaxRulesPerBundle rules may be left
// unread.
std::vector<ParsedFeature> ParseFeatures(
    const std::filesystem::path& root, const std::vector<std::string>& names,
    const std::function<std::string(const std::string&)>& display) {
  std::vector<ParsedFeature> parsed(names.size());
  RuleLimit limit(names.size());
  ParallelFor(names.size(), [&](size_t i) {
    if (limit.Reached()) return;
    const std::string file = absl::StrCat(names[i], kPolicyExtension);
    ParsedFeature& result = parsed[i];
    result.parsed =
        ParseFile(root / file, display(file), &result.feature.proto,
                  &result.feature.source, &result.text, &result.issues);
    limit.Parsed(i, result.parsed.ok() && *result.parsed
                        ? CountRules(result.feature.proto)
                        : 0);
  });
  return parsed;
}

// Reads the calls file `bundle->proto.calls_file` names, if any, into
// `bundle->calls`; a name that is not a file beside bundle.textproto, or a
// file that does not exist, is an issue at the field. Returns an error when the
// file cannot be read.
absl::Status LoadCalls(
    const std::filesystem::path& root,
    const std::function<std::string(const std::string&)>& display,
    LoadedBundle* bundle, IssueList* issues) {
  const std::string& name = bundle->proto.calls_file();
  if (name.empty()) return absl::OkStatus();
  const SourceLocation location = bundle->source.Locate("calls_file");
  if (absl::StrContains(name, '/') || name[0] == '.') {
    issues->AddError(
        location,
        absl::StrCat("calls_file \"", name, "\" must be a file name beside ",
                     kBundleFile, ", e.g. \"calls.textproto\""));
    return absl::OkStatus();
  }
  std::error_code error;
  if (!std::filesystem::is_regular_file(root / name, error)) {
    issues->AddError(location,
                     absl::StrCat("calls_file names ", display(name),
                                  ", which does not exist; create it or "
                                  "remove calls_file"));
    return absl::OkStatus();
  }
  LoadedCalls calls;
  absl::StatusOr<bool> parsed = LoadFile(
      root / name, display(name), &calls.proto, &calls.source, bundle, issues);
  if (!parsed.ok()) return parsed.status();
  if (*parsed) bundle->calls = std::move(calls);
  return absl::OkStatus();
}

// Reads every profile file in the bundle's profiles/ folder, in name order,
// into `bundle->profiles` (those that parse). Returns an error when the folder
// cannot be listed or a file cannot be read.
absl::Status LoadProfiles(
    const std::filesystem::path& root,
    const std::function<std::string(const std::string&)>& display,
    LoadedBundle* bundle, IssueList* issues) {
  namespace fs = std::filesystem;
  std::error_code error;
  const fs::path profiles = root / kProfilesFolder;
  if (!fs::is_directory(profiles, error)) return absl::OkStatus();
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
    absl::StatusOr<bool> parsed = LoadFile(
        file,
        display(absl::StrCat(kProfilesFolder, "/", name, kPolicyExtension)),
        &profile.proto, &profile.source, bundle, issues);
    if (!parsed.ok()) return parsed.status();
    if (*parsed) bundle->profiles.emplace(name, std::move(profile));
  }
  return absl::OkStatus();
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
  bundle.bundle_file_parsed = *parsed;
  if (absl::Status calls = LoadCalls(root, display, &bundle, issues);
      !calls.ok()) {
    return calls;
  }

  // Which listed features have a file: each is parsed once, all at a time,
  // then taken in list order as if read one after the other.
  std::vector<bool> has_file(bundle.proto.features_size());
  std::vector<std::string> files;
  std::map<std::string, size_t> file_index;
  for (int i = 0; i < bundle.proto.features_size(); ++i) {
    const std::string& name = bundle.proto.features(i);
    has_file[i] =
        !name.empty() && !absl::StrContains(name, '/') && name[0] != '.' &&
        fs::is_regular_file(root / absl::StrCat(name, kPolicyExtension), error);
    if (has_file[i] && file_index.emplace(name, files.size()).second) {
      files.push_back(name);
    }
  }
  std::vector<ParsedFeature> parsed_features =
      ParseFeatures(root, files, display);

  int total_rules = 0;
  for (int i = 0; i < bundle.proto.features_size(); ++i) {
    const std::string& name = bundle.proto.features(i);
    if (bundle.features.count(name) > 0) continue;
    const std::string file = absl::StrCat(name, kPolicyExtension);
    if (!has_file[i]) {
      const std::string why = DescribeUnreadable((root / file).string());
      issues->AddError(
          bundle.source.Locate(absl::StrCat("features[", i, "]")),
          absl::StrCat("feature \"", name, "\" is listed but ", display(file),
                       " ", why.empty() ? "does not exist" : why,
                       why.empty() || why == "does not exist"
                           ? "; create it or remove the feature"
                           : "; make it a regular file or remove the feature"));
      continue;
    }
    // A feature listed twice whose file has errors is reported twice, as
    // when each listing read the file.
    ParsedFeature& parsed_feature = parsed_features[file_index.at(name)];
    if (!parsed_feature.parsed.ok()) return parsed_feature.parsed.status();
    bundle.file_texts.try_emplace(display(file),
                                  std::move(parsed_feature.text));
    issues->Append(parsed_feature.issues);
    if (!*parsed_feature.parsed) continue;
    total_rules += CountRules(parsed_feature.feature.proto);
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
    bundle.features.emplace(name, std::move(parsed_feature.feature));
  }

  if (absl::Status profiles = LoadProfiles(root, display, &bundle, issues);
      !profiles.ok()) {
    return profiles;
  }

  bundle.digest = Digest(bundle);
  return bundle;
}

}  // namespace rbacc
