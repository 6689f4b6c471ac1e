#pragma once
// slugify() as Python lazyscribe computes slugs: python-slugify 4.0.0 `slugify(text)` with
// default arguments, byte for byte (docs/format.md §7.1), with either transliteration
// backend python-slugify uses: text-unidecode 1.3 (the default here: all that a plain
// `pip install lazyscribe` brings) or Unidecode 1.3.6 (python-slugify 5+ prefers it when it
// is installed).
// The Python-only data (transliterations, Unicode normalisation, entity names) lives in the
// generated slug_tables.hpp; scripts/generate_slug_tables.py also checks this algorithm,
// mirrored in Python, against the real function.

#include <lazyscribe/detail/slug_tables.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace lazyscribe {

/// @brief The transliteration table slugs are made with: the two backends of python-slugify.
/// They give the same slug for most names, and for every ASCII one; they differ on some
/// symbols and letters (`Brand™` is `brandtm` with text-unidecode, `brand-tm` with
/// Unidecode; `①②` is `` or `12`; `𝐁old` is `old` or `bold`). Slugs are stored in the
/// file, but test folders are derived from test names, so writer and reader must agree.
enum class slug_table {
    text_unidecode,  ///< text-unidecode 1.3: what `pip install lazyscribe` gives (default)
    unidecode,       ///< Unidecode 1.3.6: what a Python user with Unidecode installed gets
};

}  // namespace lazyscribe

namespace lazyscribe::detail {

namespace slug_impl {

inline constexpr char32_t max_code_point = 0x10FFFF;
inline constexpr char32_t replacement_character = 0xFFFD;
// CPython >= 3.11 refuses int() of a decimal string longer than this (ValueError), which
// python-slugify's try/except turns into "leave every decimal reference undecoded".
inline constexpr std::size_t int_max_str_digits = 4300;

/// Next code point of `s` at `i`, advancing `i`.  A byte that does not start a complete,
/// shortest-form, non-surrogate sequence is decoded on its own as U+FFFD.  Unidecode maps
/// U+FFFD to nothing, so invalid bytes simply vanish -- the same slug python-slugify gives
/// for a bytes argument, which it decodes with errors='ignore'.
inline char32_t next_code_point(std::string_view s, std::size_t& i) noexcept {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
        ++i;
        return b0;
    }
    std::size_t extra;
    char32_t cp;
    char32_t min;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        extra = 1, cp = b0 & 0x1Fu, min = 0x80;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        extra = 2, cp = b0 & 0x0Fu, min = 0x800;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        extra = 3, cp = b0 & 0x07u, min = 0x10000;
    } else {
        ++i;
        return replacement_character;
    }
    if (s.size() - i <= extra) {
        ++i;
        return replacement_character;
    }
    for (std::size_t k = 1; k <= extra; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0u) != 0x80u) {
            ++i;
            return replacement_character;
        }
        cp = (cp << 6) | (b & 0x3Fu);
    }
    if (cp < min || cp > max_code_point || (cp >= 0xD800 && cp <= 0xDFFF)) {
        ++i;
        return replacement_character;
    }
    i += extra + 1;
    return cp;
}

/// One digit of the tables' base-62 alphabet 0-9A-Za-z (chosen: no escapes, no trigraphs).
constexpr std::size_t base62(char c) noexcept {
    return c <= '9' ? std::size_t(c - '0') : c <= 'Z' ? std::size_t(c - 'A' + 10) : std::size_t(c - 'a' + 36);
}

/// The index code of `cp`'s 256-code-point block (0 past the end of the index).
inline std::size_t packed_block_code(std::string_view index, char32_t cp) noexcept {
    const std::size_t block = cp >> 8;
    if (block >= index.size() / 2) return 0;
    return base62(index[2 * block]) * 62 + base62(index[2 * block + 1]);
}

/// Entry for `cp` in a block record of a packed table.
inline std::string_view packed_record_lookup(const char* record, char32_t cp) noexcept {
    const std::size_t low = cp & 0xFFu;
    const std::size_t group = low >> 4;
    // Group offsets bound the walk over per-entry lengths to at most 15 steps.
    std::size_t offset = 32 + 256 + base62(record[2 * group]) * 62 + base62(record[2 * group + 1]);
    for (std::size_t k = group * 16; k < low; ++k) offset += base62(record[32 + k]);
    return {record + offset, base62(record[32 + low])};
}

/// Entry for `cp` in a packed table (format: scripts/generate_slug_tables.py); empty if
/// absent.  A view into the static table: nothing is allocated.
inline std::string_view packed_lookup(std::string_view index, const char* const* blocks, char32_t cp) noexcept {
    const std::size_t id = packed_block_code(index, cp);
    if (id == 0) return {};
    return packed_record_lookup(blocks[id - 1], cp);
}

inline constexpr char32_t text_unidecode_last = 0xFFFF;  // it has no entry above the BMP
inline constexpr std::size_t text_separator_block = 1;   // every entry of the block is " "

/// Step 2 for one non-ASCII code point.  text-unidecode's table is stored as the blocks in
/// which it differs from Unidecode's (entries reduced to what the later steps can see).
inline std::string_view transliterate(char32_t cp, slug_table table) noexcept {
    if (table == slug_table::text_unidecode) {
        if (cp > text_unidecode_last) return {};
        const std::size_t code =
            packed_block_code({slug_tables::translit_text_index, sizeof slug_tables::translit_text_index - 1}, cp);
        if (code == text_separator_block) return " ";
        if (code != 0) return packed_record_lookup(slug_tables::translit_text_blocks[code - 2], cp);
    }
    return packed_lookup({slug_tables::translit_index, sizeof slug_tables::translit_index - 1},
                         slug_tables::translit_blocks, cp);
}

/// Code point of `&name;` for an HTML 4 entity name, or 0 (never a valid entity).
inline char32_t entity_code_point(std::string_view name) noexcept {
    std::size_t lo = 0;
    std::size_t hi = std::size(slug_tables::entities);
    while (lo < hi) {
        const std::size_t mid = lo + (hi - lo) / 2;
        const auto& e = slug_tables::entities[mid];
        if (e.name == name) return e.code_point;
        if (e.name < name)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/// Value of `cp` as a digit of Python's `\d` (any Unicode Nd) or, for hexadecimal, also
/// of a-f/A-F; -1 if it is none.  int() accepts exactly the same digits.
inline int digit_value(char32_t cp, bool hexadecimal) noexcept {
    if (hexadecimal && ((cp >= U'a' && cp <= U'f') || (cp >= U'A' && cp <= U'F'))) return int((cp | 0x20u) - U'a') + 10;
    std::size_t lo = 0;
    std::size_t hi = std::size(slug_tables::decimal_zeros);
    while (lo < hi) {  // first zero above cp
        const std::size_t mid = lo + (hi - lo) / 2;
        if (slug_tables::decimal_zeros[mid] <= cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > 0 && cp - slug_tables::decimal_zeros[lo - 1] < 10) return int(cp - slug_tables::decimal_zeros[lo - 1]);
    return -1;
}

/// Step 3a: `&name;` -> code point, in one left-to-right pass over Unidecode's ASCII output.
/// A name can only match up to the first ';' (names are alphanumeric), so there is no
/// need to mimic the regex alternation order.
inline std::u32string decode_named_references(std::string_view text) {
    std::u32string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        if (text[i] == '&') {
            const std::size_t semi = text.substr(i + 1, slug_tables::entity_max_name + 1).find(';');
            if (semi != std::string_view::npos) {
                if (const char32_t cp = entity_code_point(text.substr(i + 1, semi))) {
                    out += cp;
                    i += semi + 2;
                    continue;
                }
            }
        }
        out += static_cast<char32_t>(static_cast<unsigned char>(text[i]));
        ++i;
    }
    return out;
}

/// Steps 3b/3c: `&#NNN;` or `&#xHH;` -> code point.  Python's re.sub calls chr(int(...))
/// per match and python-slugify catches the first exception, so one out-of-range
/// reference leaves all references of that kind undecoded: build aside, commit at the end.
inline void decode_numeric_references(std::u32string& text, bool hexadecimal) {
    const std::u32string_view prefix = hexadecimal ? U"&#x" : U"&#";
    if (text.find(prefix) == std::u32string::npos) return;
    const char32_t base = hexadecimal ? 16 : 10;
    std::u32string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        if (text.compare(i, prefix.size(), prefix) == 0) {
            const std::size_t start = i + prefix.size();
            std::size_t j = start;
            char32_t value = 0;
            for (int d; j < text.size() && (d = digit_value(text[j], hexadecimal)) >= 0; ++j) {
                value = value * base + char32_t(d);
                if (value > max_code_point) value = max_code_point + 1;  // saturate: chr() fails anyway
            }
            if (j > start && j < text.size() && text[j] == U';') {
                if (value > max_code_point || (!hexadecimal && j - start > int_max_str_digits)) return;
                out += value;  // surrogates included: chr() accepts them
                i = j + 1;
                continue;
            }
        }
        out += text[i];
        ++i;
    }
    text = std::move(out);
}

inline bool is_ascii_digit(char c) noexcept { return c >= '0' && c <= '9'; }
inline bool is_slug_char(char c) noexcept { return is_ascii_digit(c) || (c >= 'a' && c <= 'z'); }

/// Steps 4-6 for one code point: NFKD, lower-case, drop apostrophes.  Only [-a-z0-9',]
/// can influence the slug, so anything else is appended as ' ' (a separator); applying
/// NFKD and lower() per character is equivalent here (checked by the generator).
inline void append_folded(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        char c = static_cast<char>(cp);
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c == '\'') return;
        out += (is_slug_char(c) || c == '-' || c == ',') ? c : ' ';
        return;
    }
    const std::string_view folded =
        packed_lookup({slug_tables::fold_index, sizeof slug_tables::fold_index - 1}, slug_tables::fold_blocks, cp);
    if (folded.empty()) {
        out += ' ';
        return;
    }
    for (const char c : folded)
        if (c != '\'') out += c;
}

}  // namespace slug_impl

/// python-slugify 4.0.0 `slugify(text)` (default arguments) with the backend `table`.
/// The result matches ^([a-z0-9]+(-[a-z0-9]+)*)?$ and may be empty.  Invalid UTF-8 is
/// tolerated: each invalid byte reads as U+FFFD, which both backends transliterate to nothing.
inline std::string slugify(std::string_view utf8, slug_table table = slug_table::text_unidecode) {
    using namespace slug_impl;

    // Steps 1-2: runs of ' become '-', then Unidecode (ASCII output; unknown -> nothing).
    std::string ascii;
    ascii.reserve(utf8.size());
    bool in_quotes = false;
    for (std::size_t i = 0; i < utf8.size();) {
        const char32_t cp = next_code_point(utf8, i);
        if (cp == U'\'') {
            if (!in_quotes) ascii += '-';
            in_quotes = true;
            continue;
        }
        in_quotes = false;
        if (cp < 0x80)
            ascii += static_cast<char>(cp);
        else
            ascii += transliterate(cp, table);
    }

    // Step 3: HTML references; decoded characters may be any code point.
    std::u32string decoded = decode_named_references(ascii);
    decode_numeric_references(decoded, false);
    decode_numeric_references(decoded, true);

    // Steps 4-6.
    std::string folded;
    folded.reserve(decoded.size());
    for (const char32_t cp : decoded) append_folded(folded, cp);

    // Steps 7-9: drop ',' between digits; every other run of non-[a-z0-9] is one '-',
    // none at either end (this also collapses and strips the '-' already present).
    std::string slug;
    slug.reserve(folded.size());
    bool separator = false;
    for (std::size_t i = 0; i < folded.size(); ++i) {
        const char c = folded[i];
        if (is_slug_char(c)) {
            if (separator && !slug.empty()) slug += '-';
            separator = false;
            slug += c;
        } else if (c == ',' && i > 0 && i + 1 < folded.size() && is_ascii_digit(folded[i - 1]) &&
                   is_ascii_digit(folded[i + 1])) {
            // Step 7: "1,000" -> "1000"; the lookaround sees the neighbours before deletion.
        } else {
            separator = true;
        }
    }
    return slug;
}

/// Experiment.slug: slugify(name + "-" + stamp14), stamp14 = created_at as YYYYmmddHHMMSS.
/// Equals short_slug + "-" + stamp14, or stamp14 alone when the short slug is empty.
inline std::string experiment_slug(std::string_view name, std::string_view stamp14,
                                   slug_table table = slug_table::text_unidecode) {
    std::string text;
    text.reserve(name.size() + 1 + stamp14.size());
    text.append(name).append(1, '-').append(stamp14);
    return slugify(text, table);
}

/// Default artifact file name (docs/format.md §5): slugify(name) + "-" + stamp14 + "." +
/// suffix; starts with '-' when the name slugifies to nothing.
inline std::string default_artifact_fname(std::string_view name, std::string_view stamp14, std::string_view suffix,
                                          slug_table table = slug_table::text_unidecode) {
    std::string fname = slugify(name, table);
    fname.append(1, '-').append(stamp14).append(1, '.').append(suffix);
    return fname;
}

}  // namespace lazyscribe::detail
