#include "compiler/common/names.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace rbacc {
namespace {

bool IsLowerAlphanumeric(char c) {
  return absl::ascii_isdigit(c) || (c >= 'a' && c <= 'z');
}

// True for [A-Za-z0-9] first and last, [A-Za-z0-9-_.] between, 1..63
// characters.
bool IsQualifiedNamePart(absl::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  if (!absl::ascii_isalnum(name.front()) || !absl::ascii_isalnum(name.back())) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.';
  });
}

size_t EditDistance(absl::string_view a, absl::string_view b) {
  std::vector<size_t> previous(b.size() + 1);
  std::vector<size_t> current(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t substitution =
          previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] =
          std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

}  // namespace

bool IsDns1123Label(absl::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  if (!IsLowerAlphanumeric(name.front()) || !IsLowerAlphanumeric(name.back())) {
    return false;
  }
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return IsLowerAlphanumeric(c) || c == '-'; });
}

bool IsDns1123Subdomain(absl::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  // Kubernetes limits only the whole name, not each part, to 253 characters.
  for (absl::string_view part : absl::StrSplit(name, '.')) {
    if (part.empty() || !IsLowerAlphanumeric(part.front()) ||
        !IsLowerAlphanumeric(part.back())) {
      return false;
    }
    const bool valid = std::all_of(part.begin(), part.end(), [](char c) {
      return IsLowerAlphanumeric(c) || c == '-';
    });
    if (!valid) return false;
  }
  return true;
}

bool IsHelmReleaseName(absl::string_view name) {
  return name.size() <= 53 && IsDns1123Subdomain(name);
}

bool IsPathSegmentName(absl::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  if (name == "." || name == "..") return false;
  return !absl::StrContains(name, '/') && !absl::StrContains(name, '%');
}

bool IsLabelKey(absl::string_view key) {
  const size_t slash = key.find('/');
  if (slash == absl::string_view::npos) return IsQualifiedNamePart(key);
  return IsDns1123Subdomain(key.substr(0, slash)) &&
         IsQualifiedNamePart(key.substr(slash + 1));
}

bool IsLabelValue(absl::string_view value) {
  return value.empty() || IsQualifiedNamePart(value);
}

size_t FindInvalidUtf8(absl::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    // ASCII, nearly all of a policy file, eight bytes at a time.
    uint64_t eight = 0;
    while (i + sizeof(eight) <= text.size() &&
           (std::memcpy(&eight, text.data() + i, sizeof(eight)),
            (eight & 0x8080808080808080ULL) == 0)) {
      i += sizeof(eight);
    }
    if (i == text.size()) break;
    const unsigned char c = static_cast<unsigned char>(text[i]);
    size_t length = 0;
    uint32_t code_point = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      length = 2;
      code_point = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      length = 3;
      code_point = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      length = 4;
      code_point = c & 0x07;
    } else {
      return i;
    }
    if (i + length > text.size()) return i;
    for (size_t k = 1; k < length; ++k) {
      const unsigned char next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0) != 0x80) return i;
      code_point = (code_point << 6) | (next & 0x3f);
    }
    const uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < smallest[length] || code_point > 0x10ffff ||
        (code_point >= 0xd800 && code_point <= 0xdfff)) {
      return i;
    }
    i += length;
  }
  return absl::string_view::npos;
}

std::string ClosestMatch(absl::string_view input,
                         const std::vector<std::string>& candidates) {
  std::vector<std::string> sorted = candidates;
  std::sort(sorted.begin(), sorted.end());
  const size_t allowed = std::max<size_t>(1, (input.size() + 2) / 3);
  std::string best;
  size_t best_distance = allowed + 1;
  for (const std::string& candidate : sorted) {
    const size_t distance = EditDistance(input, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

std::string DidYouMean(absl::string_view input,
                       const std::vector<std::string>& candidates) {
  const std::string match = ClosestMatch(input, candidates);
  if (match.empty()) return "";
  return absl::StrCat(" (did you mean \"", match, "\"?)");
}

std::string ExpandNameTemplate(absl::string_view name_template,
                               absl::string_view service_account,
                               absl::string_view namespace_name) {
  return absl::StrReplaceAll(name_template,
                             {{"{service_account}", service_account},
                              {"{namespace}", namespace_name}});
}

}  // namespace rbacc
