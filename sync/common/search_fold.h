// Folding of European names for search: case-, accent- and umlaut-insensitive, transliterations equal.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mk {

// Lower-case ASCII transliteration of Latin text: "Müller" -> "muller", "Groß" -> "gross",
// "Łukasz" -> "lukasz", "Ørsted" -> "orsted", "Ærøskøbing" -> "aeroskobing", "Œuvre" -> "oeuvre".
// Combining accents (decomposed input) are dropped; letters of other scripts are kept as they
// are; punctuation is kept. Covers Latin-1, Latin Extended-A and the Latin Extended-B letters
// used in EU languages (Romanian ș ț, ...).
std::string FoldLatin(std::string_view utf8);

// The comparison key of one name word: FoldLatin, then the German and Nordic transliteration
// pairs collapsed (ae->a, oe->o, ue->u, ss->s, aa->a), so that Müller, Mueller and Muller, Groß
// and Gross, Sören and Soeren, Ålborg and Aalborg share one key. Applying the same function to
// the indexed name and to a typed prefix keeps the prefix property: the key of a prefix of a
// word is a prefix of the key of the word.
std::string SearchKey(std::string_view word);

// The search keys under which a name is found: one per word (split at spaces, hyphens,
// apostrophes and other punctuation), plus the joined form of a hyphenated or apostrophed word
// ("O'Brien" -> "o", "brien", "obrien"). Sorted, without duplicates, empty keys dropped.
std::vector<std::string> SearchKeysOfName(std::string_view name);

// The words of a typed query as keys, in the order typed (duplicates and empty words dropped).
std::vector<std::string> SearchKeysOfQuery(std::string_view query);

}  // namespace mk
