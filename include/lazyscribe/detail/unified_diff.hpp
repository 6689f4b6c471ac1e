#pragma once
// unified_diff() as Python 3.11's difflib.unified_diff computes it, line for line: a port of
// difflib.SequenceMatcher (isjunk=None, autojunk=True -- the "popular element" heuristic for
// sequences of 200+ items), its find_longest_match / get_matching_blocks / get_opcodes /
// get_grouped_opcodes, and unified_diff's header and "@@ -a,b +c,d @@" range rules.
// Plus str.splitlines() on UTF-8 text, so unified_diff_text() reproduces the text of
//     "\n".join(difflib.unified_diff(a.splitlines(), b.splitlines(), fromfile, tofile, lineterm=""))
// and python_version_diff_text() that of Repository.get_version_diff,
//     "\n".join(difflib.unified_diff(a.splitlines(), b.splitlines()))

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace lazyscribe::detail {

namespace diff_impl {

/// difflib.Match: a[a_pos:a_pos+size] == b[b_pos:b_pos+size].
struct match {
    std::size_t a = 0;
    std::size_t b = 0;
    std::size_t size = 0;
    friend bool operator==(const match&, const match&) = default;
};

enum class op_tag { replace, delete_, insert, equal };

/// One get_opcodes() 5-tuple: (tag, i1, i2, j1, j2).
struct opcode {
    op_tag tag;
    std::size_t i1;
    std::size_t i2;
    std::size_t j1;
    std::size_t j2;
    friend bool operator==(const opcode&, const opcode&) = default;
};

/// difflib.SequenceMatcher(None, a, b) over lines, with autojunk=True.  The matcher views
/// (does not copy) the lines of `a` and `b`, which must outlive it.
class sequence_matcher {
public:
    sequence_matcher(const std::vector<std::string>& a, const std::vector<std::string>& b, bool autojunk = true)
        : a_(a), b_(b), autojunk_(autojunk) {
        chain_b();
    }

    /// SequenceMatcher.find_longest_match(alo, ahi, blo, bhi).
    [[nodiscard]] match find_longest_match(std::size_t alo, std::size_t ahi, std::size_t blo, std::size_t bhi) const {
        std::size_t besti = alo;
        std::size_t bestj = blo;
        std::size_t bestsize = 0;
        // Python keeps j2len, a dict j -> length of the longest match ending with a[i-1] and
        // b[j].  Its keys are b2j indices, visited in ascending order, so each row is kept
        // here as a sorted (j, k) list and j2len.get(j - 1, 0) is a forward merge.
        std::vector<std::pair<std::size_t, std::size_t>> j2len;
        std::vector<std::pair<std::size_t, std::size_t>> newj2len;
        for (std::size_t i = alo; i < ahi; ++i) {
            newj2len.clear();
            const auto found = b2j_.find(std::string_view(a_[i]));
            if (found != b2j_.end()) {
                std::size_t p = 0;
                for (const std::size_t j : found->second) {
                    if (j < blo) {
                        continue;
                    }
                    if (j >= bhi) {
                        break;
                    }
                    std::size_t k = 1;
                    if (j > 0) {
                        while (p < j2len.size() && j2len[p].first < j - 1) {
                            ++p;
                        }
                        if (p < j2len.size() && j2len[p].first == j - 1) {
                            k = j2len[p].second + 1;
                        }
                    }
                    newj2len.emplace_back(j, k);
                    if (k > bestsize) {
                        besti = i - k + 1;
                        bestj = j - k + 1;
                        bestsize = k;
                    }
                }
            }
            std::swap(j2len, newj2len);
        }

        // Extend the best match with non-junk elements on each end (popular elements, which
        // are not in b2j, can be absorbed here), then with junk elements.
        while (besti > alo && bestj > blo && !is_bjunk(b_[bestj - 1]) && a_[besti - 1] == b_[bestj - 1]) {
            --besti, --bestj, ++bestsize;
        }
        while (besti + bestsize < ahi && bestj + bestsize < bhi && !is_bjunk(b_[bestj + bestsize]) &&
               a_[besti + bestsize] == b_[bestj + bestsize]) {
            ++bestsize;
        }
        while (besti > alo && bestj > blo && is_bjunk(b_[bestj - 1]) && a_[besti - 1] == b_[bestj - 1]) {
            --besti, --bestj, ++bestsize;
        }
        while (besti + bestsize < ahi && bestj + bestsize < bhi && is_bjunk(b_[bestj + bestsize]) &&
               a_[besti + bestsize] == b_[bestj + bestsize]) {
            ++bestsize;
        }
        return {besti, bestj, bestsize};
    }

    /// SequenceMatcher.get_matching_blocks(): ends with the dummy (len(a), len(b), 0).
    [[nodiscard]] std::vector<match> get_matching_blocks() const {
        const std::size_t la = a_.size();
        const std::size_t lb = b_.size();
        std::vector<std::tuple<std::size_t, std::size_t, std::size_t, std::size_t>> queue{{0, la, 0, lb}};
        std::vector<match> matching_blocks;
        while (!queue.empty()) {
            const auto [alo, ahi, blo, bhi] = queue.back();
            queue.pop_back();
            const match x = find_longest_match(alo, ahi, blo, bhi);
            if (x.size != 0) {
                matching_blocks.push_back(x);
                if (alo < x.a && blo < x.b) {
                    queue.emplace_back(alo, x.a, blo, x.b);
                }
                if (x.a + x.size < ahi && x.b + x.size < bhi) {
                    queue.emplace_back(x.a + x.size, ahi, x.b + x.size, bhi);
                }
            }
        }
        std::sort(matching_blocks.begin(), matching_blocks.end(), [](const match& l, const match& r) {
            return std::tie(l.a, l.b, l.size) < std::tie(r.a, r.b, r.size);
        });

        // Collapse adjacent blocks.
        std::size_t i1 = 0;
        std::size_t j1 = 0;
        std::size_t k1 = 0;
        std::vector<match> non_adjacent;
        for (const match& m : matching_blocks) {
            if (i1 + k1 == m.a && j1 + k1 == m.b) {
                k1 += m.size;
            } else {
                if (k1 != 0) {
                    non_adjacent.push_back({i1, j1, k1});
                }
                i1 = m.a, j1 = m.b, k1 = m.size;
            }
        }
        if (k1 != 0) {
            non_adjacent.push_back({i1, j1, k1});
        }
        non_adjacent.push_back({la, lb, 0});
        return non_adjacent;
    }

    /// SequenceMatcher.get_opcodes().
    [[nodiscard]] std::vector<opcode> get_opcodes() const {
        std::size_t i = 0;
        std::size_t j = 0;
        std::vector<opcode> answer;
        for (const match& m : get_matching_blocks()) {
            if (i < m.a && j < m.b) {
                answer.push_back({op_tag::replace, i, m.a, j, m.b});
            } else if (i < m.a) {
                answer.push_back({op_tag::delete_, i, m.a, j, m.b});
            } else if (j < m.b) {
                answer.push_back({op_tag::insert, i, m.a, j, m.b});
            }
            i = m.a + m.size;
            j = m.b + m.size;
            if (m.size != 0) {
                answer.push_back({op_tag::equal, m.a, i, m.b, j});
            }
        }
        return answer;
    }

    /// SequenceMatcher.get_grouped_opcodes(n), materialised.
    [[nodiscard]] std::vector<std::vector<opcode>> get_grouped_opcodes(std::size_t n = 3) const {
        std::vector<opcode> codes = get_opcodes();
        if (codes.empty()) {
            codes.push_back({op_tag::equal, 0, 1, 0, 1});
        }
        if (codes.front().tag == op_tag::equal) {
            opcode& c = codes.front();
            c.i1 = keep_last(c.i1, c.i2, n);
            c.j1 = keep_last(c.j1, c.j2, n);
        }
        if (codes.back().tag == op_tag::equal) {
            opcode& c = codes.back();
            c.i2 = keep_first(c.i1, c.i2, n);
            c.j2 = keep_first(c.j1, c.j2, n);
        }

        std::vector<std::vector<opcode>> groups;
        std::vector<opcode> group;
        for (opcode c : codes) {
            // Python: tag == 'equal' and i2 - i1 > n + n, written without overflow.
            if (c.tag == op_tag::equal && c.i2 - c.i1 > n && c.i2 - c.i1 - n > n) {
                group.push_back({c.tag, c.i1, keep_first(c.i1, c.i2, n), c.j1, keep_first(c.j1, c.j2, n)});
                groups.push_back(std::move(group));
                group.clear();
                c.i1 = keep_last(c.i1, c.i2, n);
                c.j1 = keep_last(c.j1, c.j2, n);
            }
            group.push_back(c);
        }
        if (!group.empty() && !(group.size() == 1 && group.front().tag == op_tag::equal)) {
            groups.push_back(std::move(group));
        }
        return groups;
    }

private:
    /// min(hi, lo + n) for lo <= hi, without overflow.
    static std::size_t keep_first(std::size_t lo, std::size_t hi, std::size_t n) noexcept {
        return hi - lo <= n ? hi : lo + n;
    }
    /// max(lo, hi - n) for lo <= hi, where Python's hi - n may be negative.
    static std::size_t keep_last(std::size_t lo, std::size_t hi, std::size_t n) noexcept {
        return hi - lo <= n ? lo : hi - n;
    }

    /// SequenceMatcher.__chain_b: b2j maps each line of b to its ascending indices, minus
    /// junk (none, isjunk is None) and, for len(b) >= 200, minus "popular" lines that occur
    /// more than len(b) // 100 + 1 times.
    void chain_b() {
        for (std::size_t i = 0; i < b_.size(); ++i) {
            b2j_[std::string_view(b_[i])].push_back(i);
        }
        const std::size_t n = b_.size();
        if (autojunk_ && n >= 200) {
            const std::size_t ntest = n / 100 + 1;
            for (auto it = b2j_.begin(); it != b2j_.end();) {
                if (it->second.size() > ntest) {
                    it = b2j_.erase(it);
                } else {
                    ++it;
                }
            }
        }
    }

    /// bjunk.__contains__: with isjunk=None the junk set is always empty.
    [[nodiscard]] bool is_bjunk(const std::string& elt) const {
        return !bjunk_.empty() && bjunk_.count(std::string_view(elt)) != 0;
    }

    const std::vector<std::string>& a_;
    const std::vector<std::string>& b_;
    bool autojunk_;
    std::unordered_map<std::string_view, std::vector<std::size_t>> b2j_;
    std::unordered_set<std::string_view> bjunk_;
};

/// difflib._format_range_unified(start, stop).
inline std::string format_range_unified(std::size_t start, std::size_t stop) {
    std::size_t beginning = start + 1;  // lines start numbering with one
    const std::size_t length = stop - start;
    if (length == 1) {
        return std::to_string(beginning);
    }
    if (length == 0) {
        --beginning;  // empty ranges begin at line just before the range
    }
    return std::to_string(beginning) + ',' + std::to_string(length);
}

}  // namespace diff_impl

/// The lines of difflib.unified_diff(a, b, fromfile, tofile, fromfiledate, tofiledate, n, lineterm).
inline std::vector<std::string> unified_diff(const std::vector<std::string>& a, const std::vector<std::string>& b,
                                             std::string_view fromfile = "", std::string_view tofile = "",
                                             std::string_view fromfiledate = "", std::string_view tofiledate = "",
                                             std::size_t n = 3, std::string_view lineterm = "\n") {
    using diff_impl::op_tag;
    std::vector<std::string> out;
    bool started = false;
    const diff_impl::sequence_matcher matcher(a, b);
    for (const auto& group : matcher.get_grouped_opcodes(n)) {
        if (!started) {
            started = true;
            std::string from_line = "--- ";
            from_line.append(fromfile);
            if (!fromfiledate.empty()) {
                from_line.push_back('\t');
                from_line.append(fromfiledate);
            }
            from_line.append(lineterm);
            std::string to_line = "+++ ";
            to_line.append(tofile);
            if (!tofiledate.empty()) {
                to_line.push_back('\t');
                to_line.append(tofiledate);
            }
            to_line.append(lineterm);
            out.push_back(std::move(from_line));
            out.push_back(std::move(to_line));
        }

        const auto& first = group.front();
        const auto& last = group.back();
        std::string header = "@@ -";
        header += diff_impl::format_range_unified(first.i1, last.i2);
        header += " +";
        header += diff_impl::format_range_unified(first.j1, last.j2);
        header += " @@";
        header.append(lineterm);
        out.push_back(std::move(header));

        for (const auto& c : group) {
            if (c.tag == op_tag::equal) {
                for (std::size_t i = c.i1; i < c.i2; ++i) {
                    out.push_back(' ' + a[i]);
                }
                continue;
            }
            if (c.tag == op_tag::replace || c.tag == op_tag::delete_) {
                for (std::size_t i = c.i1; i < c.i2; ++i) {
                    out.push_back('-' + a[i]);
                }
            }
            if (c.tag == op_tag::replace || c.tag == op_tag::insert) {
                for (std::size_t j = c.j1; j < c.j2; ++j) {
                    out.push_back('+' + b[j]);
                }
            }
        }
    }
    return out;
}

/// Python's str.splitlines() (no keepends) on UTF-8 text: splits on \n, \r\n, \r, and also
/// \v \f \x1c \x1d \x1e \x85 \u2028 \u2029 as Python does for str.  A trailing line break does
/// not start an empty last line; "" gives no lines.
inline std::vector<std::string> splitlines(std::string_view text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    std::size_t i = 0;
    const std::size_t size = text.size();
    while (i < size) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t brk = 0;  // length of the line break at i, 0 if none
        switch (c) {
        case '\n':
        case '\v':
        case '\f':
        case 0x1C:
        case 0x1D:
        case 0x1E:
            brk = 1;
            break;
        case '\r':
            brk = (i + 1 < size && text[i + 1] == '\n') ? 2 : 1;
            break;
        case 0xC2:  // U+0085 NEXT LINE
            if (i + 1 < size && static_cast<unsigned char>(text[i + 1]) == 0x85) {
                brk = 2;
            }
            break;
        case 0xE2:  // U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR
            if (i + 2 < size && static_cast<unsigned char>(text[i + 1]) == 0x80 &&
                (static_cast<unsigned char>(text[i + 2]) == 0xA8 || static_cast<unsigned char>(text[i + 2]) == 0xA9)) {
                brk = 3;
            }
            break;
        default:
            break;
        }
        if (brk == 0) {
            ++i;
            continue;
        }
        lines.emplace_back(text.substr(start, i - start));
        i += brk;
        start = i;
    }
    if (start < size) {
        lines.emplace_back(text.substr(start));
    }
    return lines;
}

/// "\n".join(lines): how Python turns unified_diff's lines into one text.
inline std::string join_lines(const std::vector<std::string>& lines) {
    std::string text;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (i != 0) {
            text.push_back('\n');
        }
        text += lines[i];
    }
    return text;
}

/// "\n".join(unified_diff(splitlines(a), splitlines(b), fromfile, tofile, lineterm="")).
inline std::string unified_diff_text(std::string_view a, std::string_view b, std::string_view fromfile,
                                     std::string_view tofile) {
    return join_lines(unified_diff(splitlines(a), splitlines(b), fromfile, tofile, "", "", 3, ""));
}

/// "\n".join(difflib.unified_diff(a.splitlines(), b.splitlines())) -- the text Python
/// lazyscribe 2.2.1's Repository.get_version_diff returns. With the defaults the header
/// lines ("--- ", "+++ ", "@@ ... @@") end in "\n" and the content lines do not, so each
/// header line is followed by an empty line once joined.
inline std::string python_version_diff_text(std::string_view a, std::string_view b) {
    return join_lines(unified_diff(splitlines(a), splitlines(b)));
}

}  // namespace lazyscribe::detail
