#!/usr/bin/env python3
"""Generate include/lazyscribe/detail/slug_tables.hpp (developer tool, run by hand).

The C++ slugify() (include/lazyscribe/detail/slugify.hpp) reproduces python-slugify
4.0.0 ``slugify(text)`` with default arguments, with either transliteration backend
python-slugify can use: text-unidecode 1.3 (all a plain ``pip install lazyscribe``
brings) or Unidecode 1.3.6, as specified in docs/format.md §7.1.  It needs data that
only Python has:

* Unidecode 1.3.6 transliterations (step 2), and text-unidecode 1.3's, stored as the
  256-code-point blocks in which it differs from Unidecode's,
* the 252 HTML 4 entity names (step 3),
* the Unicode decimal digits that Python's ``\\d`` and ``int()`` accept (step 3),
* what ``unicodedata.normalize('NFKD', ch).lower()`` leaves that can still reach
  the slug (steps 4-5), for every code point step 3 can produce.

Usage (Debian: ``apt-get install python3-unidecode python3-text-unidecode``;
python3-slugify optional, it is used as an extra oracle for the backend it imports)::

    /usr/bin/python3 scripts/generate_slug_tables.py            # write the header
    /usr/bin/python3 scripts/generate_slug_tables.py --check    # verify it is current
    ... --vectors /path/slug_vectors.json --fuzz 200000         # more verification

Before writing, the script re-implements the C++ algorithm in Python on top of the
*encoded* tables and asserts that it equals the reference slugify for every single
code point, every code point given as ``&#N;``, the test vectors and a random sample.
"""

import argparse
import html.entities
import os
import random
import re
import sys
import unicodedata
import warnings

try:
    import unidecode
except ImportError:  # a pyenv/venv interpreter does not see Debian's dist-packages
    sys.path.append('/usr/lib/python3/dist-packages')
    import unidecode
import text_unidecode

from importlib import metadata

UNIDECODE_VERSION = '1.3.6'
TEXT_UNIDECODE_VERSION = '1.3'
TEXT_UNIDECODE_LAST = 0xFFFF  # its table has one entry per code point U+0001..U+FFFF
UNICODE_VERSION = '14.0.0'  # Python 3.11, as in the reference run
INT_MAX_STR_DIGITS = 4300   # CPython >= 3.11 default: int('1' * 4301) raises ValueError

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'include', 'lazyscribe', 'detail', 'slug_tables.hpp')
DEFAULT_VECTORS = os.path.join(HERE, '..', 'tests', 'data', 'slug_vectors.json')

MAX_CP = 0x10FFFF
SURROGATES = range(0xD800, 0xE000)

# --------------------------------------------------------------------------------------
# Reference: python-slugify 4.0.0 slugify() with default arguments, verbatim regexes.
# --------------------------------------------------------------------------------------
name2codepoint = html.entities.name2codepoint
CHAR_ENTITY_PATTERN = re.compile(r'&(%s);' % '|'.join(name2codepoint))
DECIMAL_PATTERN = re.compile(r'&#(\d+);')
HEX_PATTERN = re.compile(r'&#x([\da-fA-F]+);')
QUOTE_PATTERN = re.compile(r'[\']+')
ALLOWED_CHARS_PATTERN = re.compile(r'[^-a-z0-9]+')
DUPLICATE_DASH_PATTERN = re.compile(r'-{2,}')
NUMBERS_PATTERN = re.compile(r'(?<=\d),(?=\d)')


BACKENDS = ('unidecode', 'text_unidecode')


def reference_slugify(text, backend='unidecode'):
    if isinstance(text, bytes):
        text = str(text, 'utf-8', 'ignore')
    text = QUOTE_PATTERN.sub('-', text)
    text = (unidecode if backend == 'unidecode' else text_unidecode).unidecode(text)
    text = CHAR_ENTITY_PATTERN.sub(lambda m: chr(name2codepoint[m.group(1)]), text)
    try:
        text = DECIMAL_PATTERN.sub(lambda m: chr(int(m.group(1))), text)
    except Exception:
        pass
    try:
        text = HEX_PATTERN.sub(lambda m: chr(int(m.group(1), 16)), text)
    except Exception:
        pass
    text = unicodedata.normalize('NFKD', text)
    text = text.lower()
    text = QUOTE_PATTERN.sub('', text)
    text = NUMBERS_PATTERN.sub('', text)
    text = ALLOWED_CHARS_PATTERN.sub('-', text)
    return DUPLICATE_DASH_PATTERN.sub('-', text).strip('-')


# --------------------------------------------------------------------------------------
# Raw data
# --------------------------------------------------------------------------------------
def unidecode_entry(cp):
    """Unidecode's own per-character look-up (errors='ignore': missing -> '')."""
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        r = unidecode._get_repl_str(chr(cp))  # pylint: disable=protected-access
    return r or ''


def text_unidecode_entry(cp):
    """text-unidecode's look-up: entry cp-1 of its table, nothing past its end."""
    table = text_unidecode._replaces  # pylint: disable=protected-access
    return table[cp - 1] if 0 < cp <= len(table) else ''


# Characters that keep a meaning after step 5; everything else becomes a separator.
KEEP = frozenset("-abcdefghijklmnopqrstuvwxyz0123456789',")


def project(s):
    """Reduce a string to what steps 6-9 can see: KEEP chars, other runs -> one ' '."""
    return re.sub(' +', ' ', ''.join(c if c in KEEP else ' ' for c in s))


def fold_entry(cp):
    return project(unicodedata.normalize('NFKD', chr(cp)).lower())


def cpp_ascii_fold(cp):
    """What slugify.hpp does for ASCII without a table."""
    c = chr(cp)
    if 'A' <= c <= 'Z':
        c = c.lower()
    return c if c in KEEP else ' '


# --------------------------------------------------------------------------------------
# Packed table format (decoded by slug_impl::packed_lookup in slugify.hpp)
#
#   index:  2 base-62 digits per 256-code-point block; 0 = no entries, k = blocks[k-1]
#   block:  16 x 2 base-62 digits: offset of each 16-code-point group's first entry,
#           relative to the data part
#           256 x 1 base-62 digit: length of each entry
#           data: the entries, concatenated
# --------------------------------------------------------------------------------------
B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
HEADER_LEN = 32 + 256


def b62(v, width):
    assert 0 <= v < 62 ** width, (v, width)
    out = ''
    for _ in range(width):
        out = B62[v % 62] + out
        v //= 62
    return out


def d62(s):
    v = 0
    for c in s:
        v = v * 62 + B62.index(c)
    return v


def pack(entries):
    """entries: dict cp -> non-empty str.  Returns (index, [block strings])."""
    by_block = {}
    for cp, s in entries.items():
        assert s
        by_block.setdefault(cp >> 8, {})[cp & 0xFF] = s
    nblocks = max(by_block) + 1
    index, blocks = [], []
    for blk in range(nblocks):
        if blk not in by_block:
            index.append(b62(0, 2))
            continue
        cells = [by_block[blk].get(i, '') for i in range(256)]
        offsets, pos = [], 0
        for i, s in enumerate(cells):
            if i % 16 == 0:
                offsets.append(b62(pos, 2))
            pos += len(s)
        lengths = ''.join(b62(len(s), 1) for s in cells)
        blocks.append(''.join(offsets) + lengths + ''.join(cells))
        index.append(b62(len(blocks), 2))
    return ''.join(index), blocks


# What step 2 may hand to steps 3-9 without changing any slug: those steps only look at
# [A-Za-z0-9&#;',]; every other character is a separator there, and so is a run of them.
TRANSLIT_KEEP = frozenset('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789' "&#;',")


def reduce_translit(s):
    return re.sub(' +', ' ', ''.join(c if c in TRANSLIT_KEEP else ' ' for c in s))


SEPARATOR_BLOCK = 1  # text index code: every entry of the block is " " (text-unidecode's "[?] ")


def pack_overrides(base, entries):
    """The blocks of U+0000..U+FFFF in which `entries` differ from `base`, packed as pack()
    does, in the text index: 0 = as in the base table, 1 = every entry is " ", k >= 2 =
    blocks[k-2].  `entries` are reduced first (reduce_translit: text-unidecode writes "[?] "
    for what it does not know, which only separates)."""
    index, blocks = [], []
    for blk in range(0x100):
        cps = range(blk << 8, (blk + 1) << 8)
        if all(base.get(cp, '') == entries.get(cp, '') for cp in cps):
            index.append(b62(0, 2))
            continue
        cells = ['' if cp in SURROGATES else reduce_translit(entries.get(cp, '')) for cp in cps]
        if all(c == ' ' for cp, c in zip(cps, cells) if cp not in SURROGATES):
            index.append(b62(SEPARATOR_BLOCK, 2))
            continue
        offsets, pos = [], 0
        for i, s in enumerate(cells):
            if i % 16 == 0:
                offsets.append(b62(pos, 2))
            pos += len(s)
        lengths = ''.join(b62(len(s), 1) for s in cells)
        blocks.append(''.join(offsets) + lengths + ''.join(cells))
        index.append(b62(len(blocks) + 1, 2))
    while index and index[-1] == b62(0, 2):
        index.pop()
    return ''.join(index), blocks


def translit_lookup(tables, backend, cp):
    """Python mirror of slug_impl::transliterate()."""
    if backend == 'text_unidecode':
        if cp > TEXT_UNIDECODE_LAST:
            return ''
        o_index, o_blocks = tables['translit_text']
        blk = cp >> 8
        code = d62(o_index[2 * blk:2 * blk + 2]) if blk < len(o_index) // 2 else 0
        if code == SEPARATOR_BLOCK:
            return ' '
        if code != 0:
            return packed_lookup(o_index, [None] + o_blocks, cp)
    return packed_lookup(*tables['translit'], cp)


def packed_lookup(index, blocks, cp):
    """Python mirror of slug_impl::packed_lookup()."""
    blk = cp >> 8
    if blk >= len(index) // 2:
        return ''
    ident = d62(index[2 * blk:2 * blk + 2])
    if ident == 0:
        return ''
    rec = blocks[ident - 1]
    lo = cp & 0xFF
    g = lo >> 4
    off = HEADER_LEN + d62(rec[2 * g:2 * g + 2])
    for k in range(g * 16, lo):
        off += d62(rec[32 + k])
    return rec[off:off + d62(rec[32 + lo])]


# --------------------------------------------------------------------------------------
# Build
# --------------------------------------------------------------------------------------
def build():
    assert metadata.version('Unidecode') == UNIDECODE_VERSION, metadata.version('Unidecode')
    assert unicodedata.unidata_version == UNICODE_VERSION, unicodedata.unidata_version

    # 1. Unidecode.  ASCII is copied by the C++ code; above U+EFFFF Unidecode has no data.
    translit = {}
    for cp in range(0x80, 0xF0000):
        if cp in SURROGATES:  # cannot come out of a UTF-8 decoder
            continue
        s = unidecode_entry(cp)
        assert s.isascii(), hex(cp)  # step 3 relies on an ASCII input
        if s:
            translit[cp] = s
    for cp in range(0x80):
        assert unidecode_entry(cp) == chr(cp)
    assert unidecode_entry(0xFFFD) == ''  # invalid UTF-8 bytes therefore vanish

    # 1b. text-unidecode: BMP only; ASCII maps to itself there too.
    assert metadata.version('text-unidecode') == TEXT_UNIDECODE_VERSION, metadata.version('text-unidecode')
    assert len(text_unidecode._replaces) == TEXT_UNIDECODE_LAST  # pylint: disable=protected-access
    translit_text = {}
    for cp in range(0x80, TEXT_UNIDECODE_LAST + 1):
        if cp in SURROGATES:
            continue
        s = text_unidecode_entry(cp)
        assert s.isascii(), hex(cp)
        if s:
            translit_text[cp] = s
    for cp in range(1, 0x80):
        assert text_unidecode_entry(cp) == chr(cp)
    assert text_unidecode_entry(0xFFFD) == ''

    # 2. Entities: unique match rule relies on names being alphanumeric (no ';').
    entities = sorted(name2codepoint.items())
    assert len(entities) == 252
    assert all(n.isascii() and n.isalnum() for n, _ in entities)

    # 3. Decimal digits (Python's \d and int()): runs of ten, values 0..9.
    zeros = []
    for cp in range(MAX_CP + 1):
        ch = chr(cp)
        is_dec = ch.isdecimal()
        assert is_dec == (re.fullmatch(r'\d', ch) is not None), hex(cp)
        if is_dec:
            if unicodedata.decimal(ch) == 0:
                zeros.append(cp)
            assert unicodedata.decimal(ch) == cp - zeros[-1], hex(cp)
            assert int(ch) == unicodedata.decimal(ch)

    # 4. NFKD + lower, reduced; ASCII is handled in code, default ' ' stored as ''.
    fold = {}
    for cp in range(MAX_CP + 1):
        p = fold_entry(cp)
        assert p, hex(cp)  # never empty, so '' is free to mean "default"
        if cp < 0x80:
            assert p == cpp_ascii_fold(cp), hex(cp)
        elif p != ' ':
            fold[cp] = p

    return translit, entities, zeros, fold, translit_text


# --------------------------------------------------------------------------------------
# Python mirror of the C++ algorithm, on top of the packed tables
# --------------------------------------------------------------------------------------
class Mirror:
    def __init__(self, tables, backend):
        self.tables = tables
        self.backend = backend
        self.f_index, self.f_blocks = tables['fold']
        self.entities = dict(tables['entities'])
        self.max_name = max(len(n) for n in self.entities)
        self.zeros = tables['zeros']

    @staticmethod
    def decode_utf8(data):
        """Each byte that does not start a valid sequence becomes U+FFFD."""
        out, i, n = [], 0, len(data)
        while i < n:
            b0 = data[i]
            if b0 < 0x80:
                out.append(b0)
                i += 1
                continue
            if 0xC2 <= b0 <= 0xDF:
                k, cp, lo = 1, b0 & 0x1F, 0x80
            elif 0xE0 <= b0 <= 0xEF:
                k, cp, lo = 2, b0 & 0x0F, 0x800
            elif 0xF0 <= b0 <= 0xF4:
                k, cp, lo = 3, b0 & 0x07, 0x10000
            else:
                out.append(0xFFFD)
                i += 1
                continue
            ok = n - i > k
            if ok:
                for j in range(1, k + 1):
                    b = data[i + j]
                    if b & 0xC0 != 0x80:
                        ok = False
                        break
                    cp = (cp << 6) | (b & 0x3F)
            if not ok or cp < lo or cp > MAX_CP or 0xD800 <= cp <= 0xDFFF:
                out.append(0xFFFD)
                i += 1
                continue
            out.append(cp)
            i += k + 1
        return out

    def digit(self, cp, hexadecimal):
        if hexadecimal and (0x41 <= cp <= 0x46 or 0x61 <= cp <= 0x66):
            return (cp | 0x20) - 0x61 + 10
        # largest zero <= cp
        lo, hi = 0, len(self.zeros)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.zeros[mid] <= cp:
                lo = mid + 1
            else:
                hi = mid
        if lo and cp - self.zeros[lo - 1] < 10:
            return cp - self.zeros[lo - 1]
        return -1

    def numeric(self, s, hexadecimal):
        out, i, n = [], 0, len(s)
        prefix = [0x26, 0x23, 0x78] if hexadecimal else [0x26, 0x23]
        while i < n:
            if s[i:i + len(prefix)] == prefix:
                j = start = i + len(prefix)
                value = 0
                while j < n and self.digit(s[j], hexadecimal) >= 0:
                    value = min(value * (16 if hexadecimal else 10) + self.digit(s[j], hexadecimal),
                                MAX_CP + 1)
                    j += 1
                if j > start and j < n and s[j] == 0x3B:
                    if value > MAX_CP or (not hexadecimal and j - start > INT_MAX_STR_DIGITS):
                        return s  # re.sub raised: the whole step is undone
                    out.append(value)
                    i = j + 1
                    continue
            out.append(s[i])
            i += 1
        return out

    def slugify(self, data):
        # steps 1-2
        ascii_, quote = [], False
        for cp in self.decode_utf8(data):
            if cp == 0x27:
                if not quote:
                    ascii_.append('-')
                quote = True
                continue
            quote = False
            ascii_.append(chr(cp) if cp < 0x80 else translit_lookup(self.tables, self.backend, cp))
        a = ''.join(ascii_)
        # step 3
        s, i = [], 0
        while i < len(a):
            if a[i] == '&':
                semi = a.find(';', i + 1, i + 2 + self.max_name)
                if semi > 0 and a[i + 1:semi] in self.entities:
                    s.append(self.entities[a[i + 1:semi]])
                    i = semi + 1
                    continue
            s.append(ord(a[i]))
            i += 1
        s = self.numeric(s, False)
        s = self.numeric(s, True)
        # steps 4-6
        f = []
        for cp in s:
            p = cpp_ascii_fold(cp) if cp < 0x80 else (
                packed_lookup(self.f_index, self.f_blocks, cp) or ' ')
            f.append(p.replace("'", ''))
        f = ''.join(f)
        # steps 7-9
        out, pending = [], False
        for i, c in enumerate(f):
            if c in '0123456789abcdefghijklmnopqrstuvwxyz':
                if pending and out:
                    out.append('-')
                pending = False
                out.append(c)
            elif c == ',' and 0 < i < len(f) - 1 and f[i - 1].isdigit() and f[i + 1].isdigit():
                pass
            else:
                pending = True
        return ''.join(out)


def verify(tables, raw, vectors_path, fuzz, backends=BACKENDS):
    translit, _, _, fold, translit_text = raw
    f_index, f_blocks = tables['fold']
    for cp in range(0x80, MAX_CP + 1):
        assert translit_lookup(tables, 'unidecode', cp) == translit.get(cp, ''), hex(cp)
        want = translit_text.get(cp, '')
        o_index = tables['translit_text'][0]
        blk = cp >> 8
        if blk < len(o_index) // 2 and d62(o_index[2 * blk:2 * blk + 2]) != 0:  # overridden: reduced
            want = reduce_translit(want)
        assert translit_lookup(tables, 'text_unidecode', cp) == want, hex(cp)
        assert packed_lookup(f_index, f_blocks, cp) == fold.get(cp, ''), hex(cp)
    print('packed tables decode exactly', file=sys.stderr)
    for backend in backends:
        verify_backend(tables, backend, vectors_path, fuzz, fold)


def verify_backend(tables, backend, vectors_path, fuzz, fold):
    m = Mirror(tables, backend)
    oracles = [lambda text: reference_slugify(text, backend)]
    try:
        import slugify as pkg  # python3-slugify 4.0.0, when installed
        # It imports text_unidecode if it can, else unidecode: an oracle for that backend.
        if (metadata.version('python-slugify') == '4.0.0' and
                sys.modules['slugify.slugify'].unidecode.__name__ == backend):
            oracles.append(pkg.slugify)
    except ImportError:
        pass

    def check(text):
        data = text if isinstance(text, bytes) else text.encode('utf-8')
        got = m.slugify(data)
        for oracle in oracles:
            want = oracle(text)
            assert got == want, (text, got, want, oracle)

    cps = [cp for cp in range(MAX_CP + 1) if cp not in SURROGATES]
    for cp in cps:
        check(chr(cp))
        check('a' + chr(cp) + 'b')
    for cp in range(MAX_CP + 1):  # step 3 can produce any code point, surrogates too
        check('x&#%d;y' % cp)
    print('%s: all single code points and &#N; references agree' % backend, file=sys.stderr)

    if vectors_path and os.path.exists(vectors_path):
        import json
        with open(vectors_path, encoding='utf-8') as f:
            doc = json.load(f)
        for v in doc['vectors']:
            if backend == 'unidecode':  # the vectors were made with Unidecode
                assert m.slugify(v['input'].encode()) == v['slug'], v
            check(v['input'])
        print('%s: all %d vectors agree' % (backend, len(doc['vectors'])), file=sys.stderr)

    rng = random.Random(20240102)
    interesting = sorted(set(fold) | set(range(0x300, 0x370)) |
                         {0x130, 0x3A3, 0x3C2, 0x1E9E, 0xFB01, 0x2122, 0x2460, 0x1D401,
                          0x1F600, 0x660, 0x661, 0x662, 0x6F1, 0xFF10, 0xFF11})
    pieces = (["'", "''", ',', '1', '9', '-', ' ', '&', '#', 'x', ';', 'amp', 'AMP',
               'eacute', 'Sigma', '&amp;', '&#39;', '&#x27;', '&#1633;', '&#1114112;',
               '&#x110000;', '&#0000065;', '&#x0041;', 'A', 'b', 'Z', '_', '.',
               '\u00e9', '\u00df', '\u0130', '\u044c', '\u4e2d', '\u00bd', '\u2460',
               '\U0001d401', '\U0001f600', '\ufffd'])
    for _ in range(fuzz):
        parts = []
        for _ in range(rng.randint(1, 12)):
            r = rng.random()
            if r < 0.5:
                parts.append(rng.choice(pieces))
            elif r < 0.65:
                parts.append('&#%d;' % rng.choice(interesting))
            elif r < 0.75:
                parts.append('&#x%X;' % rng.choice(interesting))
            elif r < 0.9:
                parts.append(chr(rng.choice(interesting)))
            else:
                parts.append(chr(rng.choice(cps)))
        check(''.join(parts))
        # invalid UTF-8: python-slugify decodes bytes with errors='ignore'; the C++
        # U+FFFD choice gives the same slugs because Unidecode drops U+FFFD.
        data = bytearray(''.join(parts).encode('utf-8'))
        for _ in range(rng.randint(1, 3)):
            data.insert(rng.randint(0, len(data)), rng.choice([0x80, 0xBF, 0xC0, 0xC3, 0xE2,
                                                               0xED, 0xF0, 0xF4, 0xF5, 0xFF]))
        check(bytes(data))
    # Long numeric references: CPython's int() digit limit and saturation.
    for n in (INT_MAX_STR_DIGITS - 1, INT_MAX_STR_DIGITS, INT_MAX_STR_DIGITS + 1):
        check('&#' + '0' * (n - 2) + '65; &#66;')
        check('&#x' + '0' * n + '41; &#x42;')
    check('&#' + '9' * 40 + '; &#65;')
    check('&#x' + 'F' * 40 + '; &#x41;')
    print('%s: %d random strings agree' % (backend, fuzz), file=sys.stderr)


# --------------------------------------------------------------------------------------
# Emit
# --------------------------------------------------------------------------------------
def c_escape(ch):
    if ch in '"\\?':  # '?' too: "??x" would be a (warned-about) trigraph
        return '\\' + ch
    if ch == '\n':
        return '\\n'
    assert ' ' <= ch <= '~', repr(ch)
    return ch


def c_literal(s, indent, width=96):
    pieces = [c_escape(c) for c in s]
    lines, cur = [], ''
    for p in pieces:
        if len(cur) + len(p) > width:
            lines.append(cur)
            cur = ''
        cur += p
    lines.append(cur)
    return ('\n' + indent).join('"%s"' % line for line in lines)


def emit(tables):
    t_index, t_blocks = tables['translit']
    f_index, f_blocks = tables['fold']
    out = []
    w = out.append
    w('// GENERATED by scripts/generate_slug_tables.py -- do not edit by hand.')
    w('// Data: Unidecode %s, text-unidecode %s, Unicode %s (Python %d.%d unicodedata),'
      % (UNIDECODE_VERSION, TEXT_UNIDECODE_VERSION, unicodedata.unidata_version, *sys.version_info[:2]))
    w('// HTML 4 entities.')
    w('// Plain string literals (each under 64 KiB) keep this cheap to compile.')
    w('//')
    w('// Packed table, decoded by slug_impl::packed_lookup() in slugify.hpp; digits are')
    w('// base 62 (0-9A-Za-z):')
    w('//   *_index:  2 digits per 256-code-point block: 0 = no entries, k = *_blocks[k-1]')
    w('//   *_blocks: 16 x 2 digits: start of each 16-code-point group within the data,')
    w('//             256 x 1 digit: length of each entry, then the entries concatenated.')
    w('#pragma once')
    w('')
    w('#include <cstddef>')
    w('#include <string_view>')
    w('')
    w('namespace lazyscribe::detail::slug_tables {')
    w('')
    w('// Step 2: Unidecode transliteration of U+0080..U+EFFFF (ASCII is copied as is).')
    w('inline constexpr char translit_index[] =')
    w('    ' + c_literal(t_index, '    ') + ';')
    w('inline constexpr const char* translit_blocks[] = {')
    for i, blk in enumerate(t_blocks):
        w('    // %d' % i)
        w('    ' + c_literal(blk, '    ') + ',')
    w('};')
    w('')
    o_index, o_blocks = tables['translit_text']
    w('// Step 2 with text-unidecode %s (U+0001..U+FFFF; nothing above): the blocks in which'
      % TEXT_UNIDECODE_VERSION)
    w('// it differs from Unidecode. Index: 0 = as translit_blocks, 1 = every entry is " ",')
    w('// k = translit_text_blocks[k-2]. Entries keep only what steps 3-9 can tell apart:')
    w("// [A-Za-z0-9&#;',], any other run as one ' ' (text-unidecode's \"[?] \" is one ' ').")
    w('inline constexpr char translit_text_index[] =')
    w('    ' + c_literal(o_index, '    ') + ';')
    w('inline constexpr const char* translit_text_blocks[] = {')
    for i, blk in enumerate(o_blocks):
        w('    // %d' % i)
        w('    ' + c_literal(blk, '    ') + ',')
    w('};')
    w('')
    w('// Steps 4-5: unicodedata.normalize("NFKD", ch).lower(), reduced to the characters')
    w("// [-a-z0-9',] with every other run as one ' '.  Absent entries mean \" \".")
    w('inline constexpr char fold_index[] =')
    w('    ' + c_literal(f_index, '    ') + ';')
    w('inline constexpr const char* fold_blocks[] = {')
    for blk in f_blocks:
        w('    ' + c_literal(blk, '    ') + ',')
    w('};')
    w('')
    w('// Step 3: html.entities.name2codepoint (the HTML 4 set), sorted by name.')
    w('struct entity {')
    w('    std::string_view name;')
    w('    char32_t code_point;')
    w('};')
    w('inline constexpr std::size_t entity_max_name = %d;' % max(len(n) for n, _ in tables['entities']))
    w('inline constexpr entity entities[] = {')
    row = []
    for name, cp in tables['entities']:
        row.append('{"%s", 0x%X}' % (name, cp))
        if len(row) == 4:
            w('    ' + ', '.join(row) + ',')
            row = []
    if row:
        w('    ' + ', '.join(row) + ',')
    w('};')
    w('')
    w('// Step 3: the zero of every run of Unicode decimal digits (Nd; Python\'s \\d and')
    w('// int() accept them all), ascending; each run holds the values 0..9.')
    w('inline constexpr char32_t decimal_zeros[] = {')
    zs = ['0x%X' % z for z in tables['zeros']]
    for i in range(0, len(zs), 8):
        w('    ' + ', '.join(zs[i:i + 8]) + ',')
    w('};')
    w('')
    w('}  // namespace lazyscribe::detail::slug_tables')
    return '\n'.join(out) + '\n'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--check', action='store_true', help='fail if the header is out of date')
    ap.add_argument('--vectors', default=DEFAULT_VECTORS, help='slug_vectors.json to verify')
    ap.add_argument('--fuzz', type=int, default=50000, help='random strings to verify')
    ap.add_argument('--no-verify', action='store_true', help='skip the (slow) verification')
    ap.add_argument('--backend', choices=BACKENDS, action='append',
                    help='verify slugs with this backend only (repeatable; default: both)')
    args = ap.parse_args()

    raw = build()
    translit, entities, zeros, fold, translit_text = raw
    tables = {
        'translit': pack(translit),
        'translit_text': pack_overrides(translit, translit_text),
        'fold': pack(fold),
        'entities': entities,
        'zeros': zeros,
    }
    if not args.no_verify:
        verify(tables, raw, args.vectors, args.fuzz, tuple(args.backend or BACKENDS))
    text = emit(tables)
    path = os.path.normpath(OUT)
    if args.check:
        with open(path, encoding='ascii') as f:
            if f.read() != text:
                sys.exit('%s is out of date' % path)
        print('%s is up to date' % path, file=sys.stderr)
        return
    with open(path, 'w', encoding='ascii', newline='\n') as f:
        f.write(text)
    print('wrote %s (%d bytes)' % (path, len(text)), file=sys.stderr)


if __name__ == '__main__':
    main()
