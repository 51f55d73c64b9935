#!/usr/bin/env python3
"""An independent verifier of hallvote's proofs, written from docs/spec alone.

It knows nothing of the Rust code: every check below cites the spec section it
implements (docs/spec/01-conventions.md … 07-merkle.md, 17-write-ins.md,
18-shuffle.md, 19-mix-decrypt.md). The ristretto255 group comes from libsodium through the `rbcl`
bindings; scalars are Python integers modulo ℓ; SHA-512 and SHA-256 come from hashlib.

Usage: verify.py VECTORS.json [SHUFFLE-VECTORS.json | MIX-DECRYPT-VECTORS.json …]

VECTORS.json is written by `cargo run -p hallvote-crypto --example export_vectors`.
Every case carries `"valid": true|false`; this script reaches its own verdict.
A file whose "format" is "hallvote-shuffle-vectors/v1" (crypto/tests/vectors/
shuffle-v1.json, §18.7) is read instead for §17 and §18: its name embeddings must
decode to its names (and this script's own encoder must give the same elements), its
proof must verify, each tampered variant must be rejected at the check it names, and
the slots decrypted with its test key must hold its names; §17's rejection rules and
§18.5's shape checks get cases made here from the spec alone.
A file whose "format" is "hallvote-mix-decrypt-vectors/v1" (crypto/tests/vectors/
mix-decrypt-v1.json, §19.7) is read for §19: each honest list
share must verify with the seed and weights it gives, each tampered share must be
rejected, and the k honest shares combined (§5.5) must decode (§17.4) to its names;
§19.4–§19.5's rejection rules get cases made here.
The script prints one line per case, then `N passed, M failed`. It exits non-zero if
any case does not come out as expected.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import sys

import rbcl

# ---------------------------------------------------------------------------
# §1 Notation and encodings
# ---------------------------------------------------------------------------

# §1.3 the group order ℓ and the standard generator G (RFC 9496 §4.4).
ELL = 2**252 + 27742317777372353535851937790883648493
G = bytes.fromhex("e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76")
IDENTITY = bytes(32)
P = 2**255 - 19  # the field of Curve25519, in which encodings live (RFC 9496 §4.3.1)


class Invalid(Exception):
    """Malformed input or a failed check: the case is rejected."""


def require(cond: bool, why: str) -> None:
    if not cond:
        raise Invalid(why)


def u64be(v: int) -> bytes:
    """§1.1: 8 bytes, big-endian."""
    require(0 <= v < 2**64, "integer out of u64 range")
    return v.to_bytes(8, "big")


def decode_element(b: bytes, non_identity: bool = False) -> bytes:
    """§1.3: the 32-byte canonical encoding (RFC 9496 §4.3.1); identity only where allowed.

    An element is kept as its canonical encoding, so equality of elements is
    equality of bytes.
    """
    require(len(b) == 32, "element is not 32 bytes")
    # RFC 9496 §4.3.1 step 1: the integer s must be below p. Checked here and not left
    # to the library: the libsodium inside rbcl 1.1.2 ignores bit 255, so it accepts
    # 2²⁵⁵ + s as another encoding of the same element.
    require(int.from_bytes(b, "little") < P, "non-canonical element (s ≥ p)")
    require(rbcl.crypto_core_ristretto255_is_valid_point(b), "non-canonical element")
    if non_identity:
        require(b != IDENTITY, "identity where it is forbidden")
    return b


def decode_scalar(b: bytes) -> int:
    """§1.4: 32 bytes little-endian, value below ℓ (never reduced)."""
    require(len(b) == 32, "scalar is not 32 bytes")
    v = int.from_bytes(b, "little")
    require(v < ELL, "non-canonical scalar (≥ ℓ)")
    return v


def add(p: bytes, q: bytes) -> bytes:
    return rbcl.crypto_core_ristretto255_add(p, q)


def sub(p: bytes, q: bytes) -> bytes:
    return rbcl.crypto_core_ristretto255_sub(p, q)


def mul(s: int, p: bytes) -> bytes:
    """s·P. libsodium refuses a zero scalar or an identity result, so those are handled here."""
    s %= ELL
    if s == 0 or p == IDENTITY:
        return IDENTITY
    return rbcl.crypto_scalarmult_ristretto255_allow_scalar_zero(s.to_bytes(32, "little"), p)


def base_mul(s: int) -> bytes:
    """s·G."""
    s %= ELL
    if s == 0:
        return IDENTITY
    return rbcl.crypto_scalarmult_ristretto255_base_allow_scalar_zero(s.to_bytes(32, "little"))


def element_sum(points) -> bytes:
    acc = IDENTITY
    for p in points:
        acc = add(acc, p)
    return acc


def group_self_check() -> None:
    """The group library behaves as RFC 9496 says, before anything depends on it."""
    # RFC 9496 Appendix A.1: encodings of 2·B and 15·B (also in libsodium's and
    # curve25519-dalek's test suites).
    two_b = bytes.fromhex("6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919")
    fifteen_b = bytes.fromhex("e0c418f7c8d9c4cdd7395b93ea124f3ad99021bb681dfc3302a9d99a2e53e64e")
    assert base_mul(1) == G and mul(1, G) == G
    assert base_mul(2) == two_b and mul(2, G) == two_b and add(G, G) == two_b
    assert base_mul(15) == fifteen_b and mul(5, mul(3, G)) == fifteen_b
    assert base_mul(ELL - 1) == sub(IDENTITY, G) and base_mul(ELL) == IDENTITY
    assert mul(7, IDENTITY) == IDENTITY and add(G, IDENTITY) == G and sub(G, G) == IDENTITY
    # RFC 9496 Appendix A.2: encodings that MUST be rejected (one or two of each kind:
    # non-canonical field encoding, negative s, non-square x², negative xy, s = −1).
    for bad in [
        "00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371",
        "3eb858e78f5a7254d8c9731174a94f76755fd3941c0ac93735c07ba14579630e",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        # Not from the RFC: G's encoding with bit 255 set (s ≥ 2²⁵⁵ > p).
        "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2df6",
    ]:
        try:
            decode_element(bytes.fromhex(bad))
        except Invalid:
            continue
        raise AssertionError(f"RFC 9496 A.2 encoding {bad} was accepted")
    decode_element(IDENTITY)  # §1.3: the identity is a valid element


# ---------------------------------------------------------------------------
# §2 The hash function H and challenges
# ---------------------------------------------------------------------------

TAG_SCHNORR = "hallvote/proof/schnorr/v1"
TAG_RANGE = "hallvote/proof/range/v1"
TAG_EQUALITY = "hallvote/proof/equality/v1"
TAG_DEALER = "hallvote/dkg/dealer/v1"
TAG_DECRYPTION_SHARE = "hallvote/decryption-share/v2"


def H(tag: str, *parts: bytes) -> bytes:
    """§2.1: SHA-512(enc(tag) ‖ enc(x₁) ‖ … ‖ enc(xₙ)), enc(x) = u64be(len x) ‖ x."""
    h = hashlib.sha512()
    for x in (tag.encode("ascii"), *parts):
        h.update(len(x).to_bytes(8, "big"))
        h.update(x)
    return h.digest()


def challenge(tag: str, *parts: bytes) -> int:
    """§2.3: the 64 output bytes read little-endian, reduced modulo ℓ."""
    return int.from_bytes(H(tag, *parts), "little") % ELL


# ---------------------------------------------------------------------------
# §3 Exponential ElGamal
# ---------------------------------------------------------------------------


def decode_ciphertext(b: bytes) -> tuple[bytes, bytes]:
    """§3.2: A ‖ B, 64 bytes, identity allowed in either component."""
    require(len(b) == 64, "ciphertext is not 64 bytes")
    return decode_element(b[:32]), decode_element(b[32:])


def decode_key(b: bytes) -> bytes:
    """§3.1: the election key Y is never the identity."""
    return decode_element(b, non_identity=True)


def ciphertext_sum(cts) -> tuple[bytes, bytes]:
    """§3.3: component-wise; the empty sum is (identity, identity)."""
    a, b = IDENTITY, IDENTITY
    for ca, cb in cts:
        a, b = add(a, ca), add(b, cb)
    return a, b


def recover_small(m_point: bytes, bound: int) -> int:
    """§3.4: baby-step giant-step for m ∈ [0, bound] with m·G = M; failure is a verification failure."""
    s = math.isqrt(bound + 1) + 1
    baby = {}
    p = IDENTITY
    for i in range(s):
        baby.setdefault(p, i)
        p = add(p, G)
    giant = p  # s·G
    q, t = m_point, 0
    while t * s <= bound:
        i = baby.get(q)
        if i is not None:
            m = t * s + i
            require(m <= bound, "total beyond the bound")
            return m
        q = sub(q, giant)
        t += 1
    raise Invalid("total not found within the bound")


def check_opening(y: bytes, ct: bytes, m: int, nonce: bytes) -> None:
    """§3.5: A = r·G and B = m·G + r·Y."""
    y = decode_key(y)
    a, b = decode_ciphertext(ct)
    r = decode_scalar(nonce)
    require(m >= 0, "negative value")
    require(base_mul(r) == a, "A ≠ r·G")
    require(add(base_mul(m), mul(r, y)) == b, "B ≠ m·G + r·Y")


# ---------------------------------------------------------------------------
# §4 Proofs
# ---------------------------------------------------------------------------


def verify_schnorr(ctx: bytes, x: bytes, proof: bytes) -> None:
    """§4.1: proof T ‖ z; accept iff z·G = T + c·X, c = H(schnorr, ctx, X, T)."""
    require(len(proof) == 64, "Schnorr proof is not 64 bytes")
    t = decode_element(proof[:32])
    z = decode_scalar(proof[32:])
    c = challenge(TAG_SCHNORR, ctx, x, t)
    require(base_mul(z) == add(t, mul(c, x)), "Schnorr equation")


def verify_range(ctx: bytes, y: bytes, a: bytes, b: bytes, lo: int, hi: int, proof: bytes) -> None:
    """§4.2: disjunctive Chaum–Pedersen proof that (A, B) encrypts some m ∈ lo..=hi under Y."""
    require(0 <= lo <= hi < 2**64, "lo ≤ hi required")
    n = hi - lo + 1
    require(n <= 1024, "more than 1024 branches")
    # Step 1: decode strictly; the length is fixed by the statement.
    require(len(proof) == 128 * n, "range proof length ≠ 128·(hi − lo + 1)")
    branches = []
    for k in range(n):
        off = 128 * k
        aj = decode_element(proof[off : off + 32])
        bj = decode_element(proof[off + 32 : off + 64])
        cj = decode_scalar(proof[off + 64 : off + 96])
        zj = decode_scalar(proof[off + 96 : off + 128])
        branches.append((lo + k, aj, bj, cj, zj))
    # Step 2: c = H(range, ctx, Y, A, B, u64be(lo), u64be(hi), a_lo, b_lo, …, a_hi, b_hi).
    commitments = [e for (_, aj, bj, _, _) in branches for e in (aj, bj)]
    c = challenge(TAG_RANGE, ctx, y, a, b, u64be(lo), u64be(hi), *commitments)
    # Step 3: Σ cⱼ = c.
    require(sum(cj for (_, _, _, cj, _) in branches) % ELL == c, "branch challenges do not sum to c")
    # Step 4: both equations on every branch.
    for j, aj, bj, cj, zj in branches:
        require(base_mul(zj) == add(aj, mul(cj, a)), f"branch {j}: zⱼ·G ≠ aⱼ + cⱼ·A")
        require(mul(zj, y) == add(bj, mul(cj, sub(b, base_mul(j)))), f"branch {j}: zⱼ·Y ≠ bⱼ + cⱼ·(B − j·G)")


def verify_equality(ctx: bytes, x: bytes, a: bytes, d: bytes, proof: bytes) -> None:
    """§4.3: proof T₁ ‖ T₂ ‖ z; accept iff z·G = T₁ + c·X and z·A = T₂ + c·D."""
    require(len(proof) == 96, "equality proof is not 96 bytes")
    t1 = decode_element(proof[:32])
    t2 = decode_element(proof[32:64])
    z = decode_scalar(proof[64:])
    c = challenge(TAG_EQUALITY, ctx, x, a, d, t1, t2)
    require(base_mul(z) == add(t1, mul(c, x)), "equality: z·G ≠ T₁ + c·X")
    require(mul(z, a) == add(t2, mul(c, d)), "equality: z·A ≠ T₂ + c·D")


# ---------------------------------------------------------------------------
# §5 DKG and threshold decryption
# ---------------------------------------------------------------------------


def check_params(n: int, k: int) -> None:
    """§5.1: 1 ≤ k ≤ n ≤ 255."""
    require(1 <= k <= n <= 255, "bad k-of-n parameters")


def verify_dealer_message(ceremony: bytes, n: int, k: int, msg: bytes) -> tuple[int, list[bytes]]:
    """§5.2: u32be(i) ‖ u32be(k) ‖ Cᵢ₀ ‖ … ‖ Cᵢ,ₖ₋₁ ‖ T ‖ z; returns (i, commitments)."""
    check_params(n, k)
    require(len(msg) >= 8, "dealer message too short")
    i = int.from_bytes(msg[0:4], "big")
    count = int.from_bytes(msg[4:8], "big")
    require(1 <= i <= n, "dealer index out of range")
    require(count == k, "commitment count ≠ k")
    require(len(msg) == 8 + 32 * k + 64, "dealer message length ≠ 8 + 32k + 64")
    commitments = [decode_element(msg[8 + 32 * t : 8 + 32 * (t + 1)]) for t in range(k)]
    require(commitments[0] != IDENTITY, "Cᵢ₀ is the identity")
    ctx_i = H(TAG_DEALER, ceremony, u64be(n), u64be(k), u64be(i), *commitments)
    verify_schnorr(ctx_i, commitments[0], msg[8 + 32 * k :])
    return i, commitments


def evaluate_commitments(commitments: list[bytes], j: int) -> bytes:
    """§5.3: Σₜ jᵗ·Cᵢₜ."""
    return element_sum(mul(pow(j, t, ELL), c) for t, c in enumerate(commitments))


def decode_dealer_share(b: bytes) -> tuple[int, int, int]:
    """§5.2 step 5: u32be(i) ‖ u32be(j) ‖ sᵢⱼ (40 bytes)."""
    require(len(b) == 40, "dealer share is not 40 bytes")
    return int.from_bytes(b[0:4], "big"), int.from_bytes(b[4:8], "big"), decode_scalar(b[8:])


def run_ceremony(case: dict) -> None:
    """§5.2–§5.3: qualify dealers, derive Y and every Xⱼ, check them and every key share."""
    ceremony, n, k = unhex(case["ceremony"]), case["n"], case["k"]
    check_params(n, k)
    dealers: dict[int, list[bytes]] = {}
    disqualified: set[int] = set()
    for m in case["messages"]:
        try:
            i, cs = verify_dealer_message(ceremony, n, k, unhex(m))
        except Invalid:
            continue  # an invalid message disqualifies its dealer (§5.3)
        if i in dealers:
            disqualified.add(i)
        dealers[i] = cs
    shares: dict[tuple[int, int], int] = {}
    for s in case["shares"]:
        i, j, v = decode_dealer_share(unhex(s))
        require(1 <= j <= n and (i, j) not in shares, "bad or repeated dealer share")
        shares[(i, j)] = v
        # A share that fails the check is an upheld complaint against its dealer (§5.3).
        if i in dealers and base_mul(v) != evaluate_commitments(dealers[i], j):
            disqualified.add(i)
    qualified = sorted(set(dealers) - disqualified)
    require(len(qualified) >= k, "fewer than k qualified dealers: the ceremony fails")
    y = element_sum(dealers[i][0] for i in qualified)
    require(y != IDENTITY, "joint key is the identity")
    public = [element_sum(evaluate_commitments(dealers[i], j) for i in qualified) for j in range(1, n + 1)]
    require(IDENTITY not in public, "a public share is the identity")
    require(unhex(case["joint_key"]) == y, "joint key differs from the one derived")
    require([unhex(p) for p in case["public_shares"]] == public, "public shares differ from those derived")
    for j in range(1, n + 1):
        require(all((i, j) in shares for i in qualified), f"scrutineer {j} lacks a share")
        xj = sum(shares[(i, j)] for i in qualified) % ELL
        require(base_mul(xj) == public[j - 1], f"x_{j}·G ≠ X_{j}")


def verify_decryption_share(ctx: bytes, a: bytes, b: bytes, public_shares: list[bytes], share: bytes) -> tuple[int, bytes]:
    """§5.4: u32be(j) ‖ Dⱼ ‖ T₁ ‖ T₂ ‖ z, checked against Xⱼ of §5.3 for the ciphertext
    (A, B), both halves bound by the context; returns (j, Dⱼ)."""
    require(len(share) == 132, "decryption share is not 132 bytes")
    j = int.from_bytes(share[0:4], "big")
    require(1 <= j <= len(public_shares), "no such scrutineer")
    require(public_shares[j - 1] != IDENTITY, "the public share is the identity")
    d = decode_element(share[4:36])
    ctx_j = H(TAG_DECRYPTION_SHARE, ctx, u64be(j), a, b)
    verify_equality(ctx_j, public_shares[j - 1], a, d, share[36:])
    return j, d


def lagrange_at_zero(indices: list[int]) -> list[int]:
    """§5.5: λⱼ = Π_{m≠j} m·(m − j)⁻¹ mod ℓ."""
    out = []
    for j in indices:
        lam = 1
        for m in indices:
            if m != j:
                lam = lam * m * pow((m - j) % ELL, -1, ELL) % ELL
        out.append(lam)
    return out


def combine(b: bytes, shares: dict[int, bytes], k: int) -> bytes:
    """§5.5: with the k smallest indices, M = B − Σ λⱼ·Dⱼ."""
    chosen = sorted(shares)[:k]
    lams = lagrange_at_zero(chosen)
    xa = element_sum(mul(lam, shares[j]) for lam, j in zip(lams, chosen))
    return sub(b, xa)


# ---------------------------------------------------------------------------
# §7 Merkle log (RFC 9162, SHA-256)
# ---------------------------------------------------------------------------

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(d: bytes) -> bytes:
    """§7.1: LH(d) = SHA-256(0x00 ‖ d)."""
    return hashlib.sha256(b"\x00" + d).digest()


def node_hash(l: bytes, r: bytes) -> bytes:
    """§7.1: NH(l, r) = SHA-256(0x01 ‖ l ‖ r)."""
    return hashlib.sha256(b"\x01" + l + r).digest()


def mth(leaves: list[bytes]) -> bytes:
    """§7.2: the Merkle Tree Hash."""
    n = len(leaves)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaf_hash(leaves[0])
    k = 1 << ((n - 1).bit_length() - 1)  # the largest power of two < n
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def decode_tree_head(b: bytes) -> tuple[int, bytes]:
    """§7.5.1: u64be(size) ‖ root, exactly 40 bytes."""
    require(len(b) == 40, "tree head is not 40 bytes")
    return int.from_bytes(b[:8], "big"), b[8:]


def decode_merkle_proof(b: bytes) -> tuple[int, int, list[bytes]]:
    """§7.5.2 / §7.5.3: u64be ‖ u64be ‖ u8(count) ‖ count × 32 bytes."""
    require(len(b) >= 17, "proof shorter than 17 bytes")
    count = b[16]
    require(count <= 64, "more than 64 path hashes")
    require(len(b) == 17 + 32 * count, "proof length ≠ 17 + 32·count")
    path = [b[17 + 32 * i : 17 + 32 * (i + 1)] for i in range(count)]
    return int.from_bytes(b[0:8], "big"), int.from_bytes(b[8:16], "big"), path


def verify_inclusion(m: int, n: int, path: list[bytes], h: bytes, root: bytes) -> None:
    """§7.3.2 (RFC 9162 §2.1.3.2)."""
    require(m < n, "index ≥ size")
    fn, sn = m, n - 1
    r = h
    for c in path:
        require(sn != 0, "path too long")
        if fn & 1 or fn == sn:
            r = node_hash(c, r)
            if not fn & 1:
                while not (fn & 1) and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, c)
        fn >>= 1
        sn >>= 1
    require(sn == 0, "path too short")
    require(r == root, "root mismatch")


def verify_consistency(m: int, n: int, path: list[bytes], r1: bytes, r2: bytes) -> None:
    """§7.4.2 (RFC 9162 §2.1.4.2, with the stricter m = 0 rule)."""
    require(m <= n, "old size > new size")
    if m == 0:
        require(not path, "non-empty path for m = 0")
        require(r1 == EMPTY_ROOT, "old root of size 0 is not the empty root")
        if n == 0:
            require(r2 == EMPTY_ROOT, "new root of size 0 is not the empty root")
        return
    if m == n:
        require(not path, "non-empty path for m = n")
        require(r1 == r2, "roots differ for m = n")
        return
    require(bool(path), "empty path")
    if m & (m - 1) == 0:
        path = [r1, *path]
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        require(sn != 0, "path too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not (fn & 1) and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    require(fr == r1, "old root mismatch")
    require(sr == r2, "new root mismatch")
    require(sn == 0, "path too short")


# ---------------------------------------------------------------------------
# §10.7 Write-in rows on the ballot, and the cap that counts them
# ---------------------------------------------------------------------------

TAG_BALLOT_CAP = "hallvote/ballot/cap/v1"
TAG_BALLOT_WRITEIN = "hallvote/ballot/writein/v1"
TAG_WRITEIN_SLOT = "hallvote/proof/writein-slot/v1"
ROW_PROOF_LEN = 256 + 256 + 544


def ctx_write_in(e: bytes, s: bytes, c: int, i: int) -> bytes:
    """§10.2: ctx_wi(c,i) = H("hallvote/ballot/writein/v1", E, S, u64be(c), u64be(i))."""
    return H(TAG_BALLOT_WRITEIN, e, s, u64be(c), u64be(i))


def ctx_cap(e: bytes, s: bytes, c: int) -> bytes:
    """§10.2: ctx_cap(c) = H("hallvote/ballot/cap/v1", E, S, u64be(c))."""
    return H(TAG_BALLOT_CAP, e, s, u64be(c))


def decode_slot_ciphertexts(b: bytes) -> list[tuple[bytes, bytes]]:
    """§10.4: the slot is A₀ ‖ B₀ ‖ A₁ ‖ B₁ ‖ A₂ ‖ B₂, three ciphertexts."""
    require(len(b) == 192, "slot is not 192 bytes")
    return [decode_ciphertext(b[64 * k : 64 * (k + 1)]) for k in range(3)]


def verify_write_in_row(ctx: bytes, y: bytes, against, indicator, slot, proof: bytes) -> None:
    """§10.7 verifier: w is 0/1, a − w is 0/1, and (w = 0 and the slot is empty) or w = 1."""
    # Step 1: decode strictly.
    require(len(proof) == ROW_PROOF_LEN, "row proof length ≠ 1056")
    (aa, ab), (wa, wb) = against, indicator
    sp = proof[512:]
    f = [sp[32 * k : 32 * (k + 1)] for k in range(17)]
    commitments = [decode_element(x) for x in f[0:8]]  # a_w b_w a₀ b₀ a₁ b₁ a₂ b₂
    c0 = decode_scalar(f[8])
    zs = [decode_scalar(x) for x in f[9:13]]  # z_w z₀ z₁ z₂
    a1, b1 = decode_element(f[13]), decode_element(f[14])
    c1, z1 = decode_scalar(f[15]), decode_scalar(f[16])
    # Step 2: part 1 on w; part 2 on d = a − w, computed here.
    verify_range(ctx, y, wa, wb, 0, 1, proof[:256])
    verify_range(ctx, y, sub(aa, wa), sub(ab, wb), 0, 1, proof[256:512])
    # Step 3: the challenge.
    slot_elements = [e for ct in slot for e in ct]
    c = challenge(TAG_WRITEIN_SLOT, ctx, y, aa, ab, wa, wb, *slot_elements, *commitments, a1, b1)
    require((c0 + c1) % ELL == c, "slot proof: c₀ + c₁ ≠ c")
    # Step 4: branch 0, four tuples under c₀; branch 1, (A_w, B_w − G) under c₁.
    for t, ((ta, tb), z) in enumerate(zip([(wa, wb), *slot], zs)):
        name = "w" if t == 0 else str(t - 1)
        require(base_mul(z) == add(commitments[2 * t], mul(c0, ta)), f"slot proof: z_{name}·G ≠ a_{name} + c₀·A_{name}")
        require(mul(z, y) == add(commitments[2 * t + 1], mul(c0, tb)), f"slot proof: z_{name}·Y ≠ b_{name} + c₀·B_{name}")
    require(base_mul(z1) == add(a1, mul(c1, wa)), "slot proof: z₁·G ≠ a' + c₁·A_w")
    require(mul(z1, y) == add(b1, mul(c1, sub(wb, base_mul(1)))), "slot proof: z₁·Y ≠ b' + c₁·(B_w − G)")


# ---------------------------------------------------------------------------
# §17 Write-in slots: names as group elements
# ---------------------------------------------------------------------------

SLOT_WIDTH = 3  # §17.1 L, elements per slot
CHUNK = 30  # payload bytes per element
PAYLOAD = SLOT_WIDTH * CHUNK  # 90
MAX_NAME = 89  # longest name, in UTF-8 bytes
COUNTERS = 128  # §17.2: j = 0 … 127


def is_canonical(b: bytes) -> bool:
    """§1.3: whether 32 bytes are a valid canonical encoding (RFC 9496 §4.3.1)."""
    try:
        decode_element(b)
    except Invalid:
        return False
    return True


def embedding_candidate(j: int, chunk: bytes) -> bytes:
    """§17.2: u8(2·j) ‖ Pₖ ‖ 0x00."""
    return bytes([2 * j]) + chunk + b"\x00"


def embed_name(name: str) -> list[bytes]:
    """§17.1–§17.2: the slot's L elements; refuses a name that cannot be written.

    Not constant time (it stops at the first valid candidate): it only re-derives
    published vectors, it never handles a real ballot's secret.
    """
    raw = name.encode("utf-8")
    require(len(raw) <= MAX_NAME, "name longer than 89 bytes")
    payload = bytes([len(raw)]) + raw + bytes(MAX_NAME - len(raw))
    assert len(payload) == PAYLOAD
    out = []
    for k in range(SLOT_WIDTH):
        chunk = payload[CHUNK * k : CHUNK * (k + 1)]
        for j in range(COUNTERS):
            candidate = embedding_candidate(j, chunk)
            if is_canonical(candidate):
                out.append(candidate)
                break
        else:
            raise Invalid("no counter embeds this chunk")
    return out


def decode_slot(elements: list[bytes]) -> str:
    """§17.4: the name a decrypted slot holds, or Invalid naming the step that rejects it.

    Each step is applied to every element before the next step is tried, in the
    order the spec numbers them.
    """
    require(len(elements) == SLOT_WIDTH, "slot is not 3 elements")
    es = [decode_element(e) for e in elements]  # §1.3: M is a group element; e is its encoding
    # Step 1.
    for e in es:
        require(e[31] == 0, "not an embedding")
    # Step 2. e[0] is even: a canonical encoding is non-negative (RFC 9496 §4.3.1).
    for e in es:
        j = e[0] // 2
        require(
            not any(is_canonical(embedding_candidate(jj, e[1:31])) for jj in range(j)),
            "not the smallest counter",
        )
    # Step 3.
    p = b"".join(e[1:31] for e in es)
    # Steps 4–7.
    require(p[0] <= MAX_NAME, "length out of range")
    n = p[0]
    require(not any(p[1 + n :]), "padding not zero")
    try:
        return p[1 : 1 + n].decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        raise Invalid("not UTF-8") from None


def find_chunk_candidates(chunk: bytes, count: int) -> list[int]:
    """The first `count` counters j whose candidate for this chunk is canonical."""
    found = [j for j in range(COUNTERS) if is_canonical(embedding_candidate(j, chunk))]
    require(len(found) >= count, "too few valid counters for a test chunk")
    return found[:count]


def embed_raw_payload(payload: bytes) -> list[bytes]:
    """§17.2 applied to an arbitrary 90-byte payload (for the rejection cases of §17.4)."""
    assert len(payload) == PAYLOAD
    out = []
    for k in range(SLOT_WIDTH):
        chunk = payload[CHUNK * k : CHUNK * (k + 1)]
        out.append(embedding_candidate(find_chunk_candidates(chunk, 1)[0], chunk))
    return out


def slot_self_cases() -> list[tuple[str, object, object]]:
    """Cases of §17 made here from the spec's text alone: (name, thunk, expected).

    `expected` is the decoded name, or the rejection step's wording (an Invalid).
    """
    cases: list[tuple[str, object, object]] = []
    # Round trips at the limits of §17.1: 89 bytes of mixed CJK and ASCII, and of 𠮷 and ·.
    for label, name in [
        ("ascii-89", "a" * 89),
        ("cjk-29-plus-2", "张" * 29 + "ab"),
        ("supplementary-22-plus-1", "𠮷" * 22 + "x"),
        ("middle-dot-44-plus-1", "·" * 44 + "y"),
        ("one-byte", "A"),
    ]:
        assert len(name.encode("utf-8")) <= MAX_NAME
        cases.append((f"round-trip/{label}", lambda n=name: decode_slot(embed_name(n)), name))
    cases.append(("encoder-refuses-90-bytes", lambda: embed_name("a" * 90), Invalid("name longer than 89 bytes")))
    cases.append(("encoder-refuses-30-cjk", lambda: embed_name("张" * 30), Invalid("name longer than 89 bytes")))
    # §17.2: the empty slot is three identity elements.
    cases.append(("empty-slot-is-identity", lambda: embed_name("") == [IDENTITY] * 3, True))

    # Step 1: a valid element with e[31] ≠ 0 (G itself).
    good = embed_name("Li Lei")
    cases.append(("reject/not-an-embedding", lambda: decode_slot([good[0], G, good[2]]), Invalid("not an embedding")))

    # Step 2: a chunk with two valid counters, encoded with the second.
    def not_smallest() -> str:
        payload = bytes([6]) + b"Li Lei" + bytes(83)
        chunk = payload[:CHUNK]
        j0, j1 = find_chunk_candidates(chunk, 2)
        els = embed_raw_payload(payload)
        require(els[0] == embedding_candidate(j0, chunk), "own encoder disagrees")
        els[0] = embedding_candidate(j1, chunk)
        return decode_slot(els)

    cases.append(("reject/not-the-smallest-counter", not_smallest, Invalid("not the smallest counter")))
    # Step 2 on the last element: the identity's chunk (all zero) with a later counter.
    def not_smallest_zero() -> str:
        els = embed_name("Li Lei")
        j1 = find_chunk_candidates(bytes(CHUNK), 2)[1]
        els[2] = embedding_candidate(j1, bytes(CHUNK))
        return decode_slot(els)

    cases.append(("reject/not-the-smallest-counter-zero-chunk", not_smallest_zero, Invalid("not the smallest counter")))
    # Step 4: length byte 90 and 255.
    for n in (90, 255):
        cases.append((
            f"reject/length-{n}",
            lambda n=n: decode_slot(embed_raw_payload(bytes([n]) + bytes(89))),
            Invalid("length out of range"),
        ))
    # Step 5: a nonzero byte just past the name, and one in the last byte.
    for label, payload in [
        ("after-name", bytes([2]) + b"ab" + b"c" + bytes(86)),
        ("last-byte", bytes([0]) + bytes(88) + b"\x01"),
    ]:
        cases.append((
            f"reject/padding-{label}",
            lambda p=payload: decode_slot(embed_raw_payload(p)),
            Invalid("padding not zero"),
        ))
    # Step 6: a cut multi-byte character, a lone continuation byte, a surrogate, an overlong form.
    for label, raw in [
        ("cut-character", "张".encode("utf-8")[:2]),
        ("lone-continuation", b"\x80"),
        ("surrogate", b"\xed\xa0\x80"),
        ("overlong", b"\xc0\xaf"),
    ]:
        payload = bytes([len(raw)]) + raw + bytes(MAX_NAME - len(raw))
        cases.append((f"reject/not-utf8-{label}", lambda p=payload: decode_slot(embed_raw_payload(p)), Invalid("not UTF-8")))
    return cases


# ---------------------------------------------------------------------------
# §18 Verifiable re-encryption shuffle (Terelius–Wikström, CHVote CheckShuffleProof)
# ---------------------------------------------------------------------------

TAG_SHUFFLE_GENERATOR = "hallvote/shuffle/generator/v1"
TAG_SHUFFLE_STATEMENT = "hallvote/shuffle/statement/v1"
TAG_SHUFFLE_PERMUTATION = "hallvote/shuffle/permutation-challenge/v1"
TAG_SHUFFLE_CHALLENGE = "hallvote/shuffle/challenge/v1"
MAX_ROW_WIDTH = 16


class ShuffleRejected(Invalid):
    """§18.5: a rejection, with the name of the check that failed."""

    def __init__(self, check: str, detail: str = "") -> None:
        super().__init__(check + (f" ({detail})" if detail else ""))
        self.check = check


def shuffle_generator(k: int) -> bytes:
    """§18.3: GEN(k) = ristretto255 one-way map of H(generator, u64be(k))."""
    return rbcl.crypto_core_ristretto255_from_hash(H(TAG_SHUFFLE_GENERATOR, u64be(k)))


Row = list[tuple[bytes, bytes]]  # §18.1: a row of L ciphertexts (A, B)


def decode_row(b: bytes) -> Row:
    """A row of ciphertexts (§3.2 each, 64 bytes), as the vectors file concatenates them."""
    if len(b) % 64 != 0:
        raise ShuffleRejected("row width", "row is not a whole number of ciphertexts")
    try:
        return [decode_ciphertext(b[64 * i : 64 * (i + 1)]) for i in range(len(b) // 64)]
    except Invalid as e:
        raise ShuffleRejected("row width", f"ciphertext: {e}") from None


def verify_shuffle(ctx: bytes, y: bytes, inputs: list[Row], outputs: list[Row], proof: bytes) -> None:
    """§18.5 CheckShuffleProof, each equation of step 4 evaluated on its own, in order."""
    # Step 1.
    n = len(inputs)
    if not 1 <= n < 2**32:
        raise ShuffleRejected("row count")
    width = len(inputs[0])
    if not (1 <= width <= MAX_ROW_WIDTH and all(len(r) == width for r in inputs)):
        raise ShuffleRejected("row width")
    if len(outputs) != n:
        raise ShuffleRejected("row count")
    if not all(len(r) == width for r in outputs):
        raise ShuffleRejected("row width")
    # Step 2 (§18.6).
    if len(proof) != 32 * (5 * n + 3 * width + 6):
        raise ShuffleRejected("proof shape", "length")
    words = [proof[32 * i : 32 * (i + 1)] for i in range(len(proof) // 32)]
    pos = 0

    def take(count: int, scalar: bool) -> list:
        nonlocal pos
        out = words[pos : pos + count]
        pos += count
        try:
            return [decode_scalar(w) if scalar else decode_element(w) for w in out]
        except Invalid as e:
            raise ShuffleRejected("proof shape", str(e)) from None

    c_perm = take(n, False)  # c₁ … c_N
    c_hat = take(n, False)  # ĉ₁ … ĉ_N
    t1, t2, t3 = take(3, False)
    t4 = take(2 * width, False)
    t4_a, t4_b = t4[0::2], t4[1::2]  # t₄,A,l ‖ t₄,B,l for l = 1 … L
    t_hat = take(n, False)
    s1, s2, s3 = take(3, True)
    s4 = take(width, True)
    s_hat = take(n, True)
    s_prime = take(n, True)
    assert pos == len(words)
    # Step 3.
    h = shuffle_generator(0)
    hs = [shuffle_generator(i) for i in range(1, n + 1)]
    flat_in = [x for row in inputs for (a, b) in row for x in (a, b)]
    flat_out = [x for row in outputs for (a, b) in row for x in (a, b)]
    d = H(TAG_SHUFFLE_STATEMENT, ctx, y, u64be(n), u64be(width), *flat_in, *flat_out, *c_perm)
    u = [challenge(TAG_SHUFFLE_PERMUTATION, d, u64be(j)) for j in range(1, n + 1)]
    c = challenge(TAG_SHUFFLE_CHALLENGE, d, *c_hat, t1, t2, t3, *t4, *t_hat)
    neg_c = (-c) % ELL

    def check(name: str, lhs: bytes, rhs: bytes) -> None:
        if lhs != rhs:
            raise ShuffleRejected(name)

    # Step 4, in the spec's order.
    check("t1", t1, add(mul(neg_c, sub(element_sum(c_perm), element_sum(hs))), base_mul(s1)))
    u_prod = 1
    for uj in u:
        u_prod = u_prod * uj % ELL
    check("t2", t2, add(mul(neg_c, sub(c_hat[-1], mul(u_prod, h))), base_mul(s2)))
    check(
        "t3",
        t3,
        element_sum([mul(neg_c, element_sum(mul(uj, cj) for uj, cj in zip(u, c_perm))), base_mul(s3)]
                    + [mul(sp, hi) for sp, hi in zip(s_prime, hs)]),
    )
    for l in range(width):
        # "component l−1" in the reference implementation's messages: l here is 0-based.
        name = f"t4 component {l}"
        a_in = element_sum(mul(uj, inputs[j][l][0]) for j, uj in enumerate(u))
        b_in = element_sum(mul(uj, inputs[j][l][1]) for j, uj in enumerate(u))
        a_out = element_sum(mul(sp, outputs[i][l][0]) for i, sp in enumerate(s_prime))
        b_out = element_sum(mul(sp, outputs[i][l][1]) for i, sp in enumerate(s_prime))
        check(name, t4_a[l], add(sub(mul(neg_c, a_in), base_mul(s4[l])), a_out))
        check(name, t4_b[l], add(sub(mul(neg_c, b_in), mul(s4[l], y)), b_out))
    previous = h  # ĉ₀ = h
    for i in range(n):
        check(f"t-hat {i + 1}", t_hat[i], element_sum([mul(neg_c, c_hat[i]), base_mul(s_hat[i]), mul(s_prime[i], previous)]))
        previous = c_hat[i]
    # Step 5: accept.


def decrypt_slot(x: int, row: Row) -> list[bytes]:
    """§17.4: Mₖ = Bₖ − x·Aₖ (here with the whole test key, in place of k shares)."""
    return [sub(b, mul(x, a)) for (a, b) in row]


def shuffle_cases(doc: dict) -> list[tuple[str, object, object]]:
    """The cases of one hallvote-shuffle-vectors/v1 file (§18.7): (name, thunk, expected)."""
    require(doc.get("format") == "hallvote-shuffle-vectors/v1", "unknown shuffle vectors format")
    ctx = unhex(doc["ctx"])
    y = decode_key(unhex(doc["key"]))
    width = doc["width"]
    cases: list[tuple[str, object, object]] = []

    for k, emb in enumerate(doc["embeddings"]):
        els = [unhex(e) for e in emb["elements"]]
        cases.append((f"embedding/{k}/decodes", lambda els=els: decode_slot(els), emb["name"]))
        # §17.2: the encoding is deterministic, so this script's encoder gives the same elements.
        cases.append((f"embedding/{k}/encodes", lambda n=emb["name"]: [e.hex() for e in embed_name(n)], [e.hex() for e in els]))

    def rows(hexes: list[str]) -> list[Row]:
        return [decode_row(unhex(r)) for r in hexes]

    def honest() -> str:
        verify_shuffle(ctx, y, rows(doc["input"]), rows(doc["output"]), unhex(doc["proof"]))
        require(all(len(r) == width for r in rows(doc["input"])), "width differs from the file's")
        return "accepted"

    cases.append(("proof/honest", honest, "accepted"))

    x = decode_scalar(unhex(doc["secret_key"]))

    def names_in() -> list[str]:
        require(base_mul(x) == y, "secret key does not match the key")
        return [decode_slot(decrypt_slot(x, r)) for r in rows(doc["input"])]

    def names_out() -> list[str]:
        return sorted(decode_slot(decrypt_slot(x, r)) for r in rows(doc["output"]))

    cases.append(("decrypt/input-names", names_in, doc["names"]))
    cases.append(("decrypt/output-names-sorted", names_out, doc["output_names_sorted"]))
    # The multiset of names is unchanged by the mix (§18.1).
    cases.append(("decrypt/same-multiset", lambda: sorted(names_in()) == names_out(), True))

    def rejection(outputs: list[str], proof: str) -> str:
        try:
            verify_shuffle(ctx, y, rows(doc["input"]), rows(outputs), unhex(proof))
        except ShuffleRejected as e:
            return e.check
        return "accepted"

    for k, t in enumerate(doc["tampered"]):
        cases.append((f"tampered/{k} {t['what']}", lambda t=t: rejection(t["output"], t["proof"]), t["check"]))

    # Variants made here from the spec alone (§18.5 steps 1–2).
    proof = doc["proof"]
    out = doc["output"]
    cases.append(("own/proof-one-element-short", lambda: rejection(out, proof[:-64]), "proof shape"))
    cases.append(("own/proof-one-element-long", lambda: rejection(out, proof + "00" * 32), "proof shape"))
    ell_hex = ELL.to_bytes(32, "little").hex()
    cases.append(("own/last-scalar-equals-ell", lambda: rejection(out, proof[:-64] + ell_hex), "proof shape"))
    bad_point = "0100000000000000000000000000000000000000000000000000000000000000"  # RFC 9496 A.2
    cases.append(("own/first-element-not-canonical", lambda: rejection(out, bad_point + proof[64:]), "proof shape"))
    cases.append(("own/output-row-one-ciphertext-short", lambda: rejection([out[0][:-128]] + out[1:], proof), "row width"))
    cases.append(("own/output-row-added", lambda: rejection(out + [out[0]], proof), "row count"))
    cases.append(("own/ctx-changed", lambda: _ctx_changed(doc), "t1"))
    return cases


def _ctx_changed(doc: dict) -> str:
    """§18.5: a change to a hashed value (here ctx) changes c, and t₁ already fails."""
    try:
        verify_shuffle(unhex(doc["ctx"]) + b"!", decode_key(unhex(doc["key"])),
                       [decode_row(unhex(r)) for r in doc["input"]],
                       [decode_row(unhex(r)) for r in doc["output"]], unhex(doc["proof"]))
    except ShuffleRejected as e:
        return e.check
    return "accepted"


# ---------------------------------------------------------------------------
# §19 Threshold decryption of a mixed list (batched equality proof)
# ---------------------------------------------------------------------------

TAG_MIX_LIST = "hallvote/mix-decrypt/list/v1"
TAG_MIX_SHARES = "hallvote/mix-decrypt/shares/v1"
TAG_MIX_CONTEXT = "hallvote/mix-decrypt/context/v1"
TAG_MIX_WEIGHT = "hallvote/mix-decrypt/weight/v1"
MIX_DECRYPT_FORMAT = "hallvote-mix-decrypt-vectors/v1"


def decode_list_share(b: bytes) -> tuple[int, list[bytes], bytes]:
    """§19.5: u32be(j) ‖ u64be(N) ‖ D₁ ‖ … ‖ D_N ‖ T₁ ‖ T₂ ‖ z; the length is checked
    against N before any element is read. Returns (j, [Dᵢ], the 96-byte §4.3 proof)."""
    require(len(b) >= 12 + 96, "list share too short")
    j = int.from_bytes(b[0:4], "big")
    n = int.from_bytes(b[4:12], "big")
    require(len(b) == 12 + 32 * n + 96, "list share length does not match N")
    ds = [decode_element(b[12 + 32 * i : 44 + 32 * i]) for i in range(n)]
    return j, ds, b[12 + 32 * n :]


def mix_digests(ctx: bytes, cts: list[tuple[bytes, bytes]], j: int, xj: bytes, ds: list[bytes]) -> tuple[bytes, bytes, bytes, list[int]]:
    """§19.3: L, S, s and the 128-bit weights ρ₁ … ρ_N."""
    n = len(cts)
    lst = H(TAG_MIX_LIST, u64be(n), *[p for ab in cts for p in ab])
    shares = H(TAG_MIX_SHARES, u64be(n), *ds)
    s = H(TAG_MIX_CONTEXT, ctx, u64be(j), xj, lst, shares)
    rhos = [int.from_bytes(H(TAG_MIX_WEIGHT, s, u64be(i))[:16], "little") for i in range(1, n + 1)]
    return lst, shares, s, rhos


def verify_list_share(ctx: bytes, cts: list[tuple[bytes, bytes]], public_shares: list[bytes], share: bytes) -> tuple[int, list[bytes], bytes]:
    """§19.4: returns (j, [Dᵢ], L) for a share that verifies against this list."""
    j, ds, proof = decode_list_share(share)
    require(len(ds) == len(cts), "list share does not have N elements")  # step 1
    require(1 <= j <= len(public_shares), "no such scrutineer")
    xj = public_shares[j - 1]
    require(xj != IDENTITY, "the public share is the identity")  # step 2
    lst, _, s, rhos = mix_digests(ctx, cts, j, xj, ds)  # step 3
    a_star = element_sum(mul(r, a) for r, (a, _) in zip(rhos, cts))  # step 4
    d_star = element_sum(mul(r, d) for r, d in zip(rhos, ds))
    verify_equality(s, xj, a_star, d_star, proof)  # step 5, ctx₄.₃ = s
    return j, ds, lst


def mix_decrypt_cases(doc: dict) -> list[tuple[str, object, object]]:
    """The cases of crypto/tests/vectors/mix-decrypt-v1.json (§19.7): (name, thunk, expected)."""
    require(doc.get("format") == MIX_DECRYPT_FORMAT, "not a §19 vectors file")
    ctx = unhex(doc["ctx"])
    raw = unhex(doc["list"])
    require(len(raw) % 64 == 0, "list is not whole ciphertexts")
    cts = [decode_ciphertext(raw[i : i + 64]) for i in range(0, len(raw), 64)]
    public_shares = [decode_element(unhex(x)) for x in doc["public_shares"]]
    k = doc["threshold"]
    check_params(len(public_shares), k)
    cases: list[tuple[str, object, object]] = []

    def key_matches() -> bool:
        x = decode_scalar(unhex(doc["secret_key"]))
        y = decode_key(unhex(doc["public_key"]))
        # §5.3/§5.5: the key is the Lagrange combination at 0 of any k public shares.
        idx = list(range(1, k + 1))
        from_shares = element_sum(mul(lam, public_shares[i - 1]) for lam, i in zip(lagrange_at_zero(idx), idx))
        return base_mul(x) == y and from_shares == y

    cases.append(("key/secret-public-and-shares-agree", key_matches, True))

    verified: dict[int, tuple[list[bytes], bytes]] = {}

    def honest(sh: dict) -> str:
        j, ds, lst = verify_list_share(ctx, cts, public_shares, unhex(sh["share"]))
        require(j == sh["index"], "index differs from the file's")
        verified[j] = (ds, lst)
        return "accepted"

    def weights(sh: dict) -> list[str]:
        j, ds, _ = decode_list_share(unhex(sh["share"]))
        _, _, s, rhos = mix_digests(ctx, cts, j, public_shares[j - 1], ds)
        return [s.hex()] + [r.to_bytes(32, "little").hex() for r in rhos]

    for sh in doc["shares"]:
        cases.append((f"share/{sh['index']}/accepted", lambda sh=sh: honest(sh), "accepted"))
        cases.append((f"share/{sh['index']}/seed-and-weights", lambda sh=sh: weights(sh), [sh["weight_seed"]] + sh["weights"]))

    def combined_names() -> list[str]:
        if len(verified) < k:  # the honest cases above fill it; re-verify if run alone
            for sh in doc["shares"]:
                honest(sh)
        lists = {lst for _, lst in verified.values()}
        require(len(lists) == 1, "shares verified against different lists")  # §19.4 MUST NOT
        chosen = sorted(verified)[:k]
        lams = lagrange_at_zero(chosen)
        ms = [sub(b, element_sum(mul(lam, verified[j][0][i]) for lam, j in zip(lams, chosen)))
              for i, (_, b) in enumerate(cts)]
        require(len(ms) % SLOT_WIDTH == 0, "list is not whole slots")
        return [decode_slot(ms[r : r + SLOT_WIDTH]) for r in range(0, len(ms), SLOT_WIDTH)]

    cases.append(("combine/names", combined_names, doc["names"]))

    def whole_key_names() -> list[str]:
        x = decode_scalar(unhex(doc["secret_key"]))
        ms = [sub(b, mul(x, a)) for a, b in cts]
        return [decode_slot(ms[r : r + SLOT_WIDTH]) for r in range(0, len(ms), SLOT_WIDTH)]

    cases.append(("decrypt/names-with-whole-key", whole_key_names, doc["names"]))

    def rejected(share: bytes, shares_of=public_shares, list_of=cts) -> str:
        try:
            verify_list_share(ctx, list_of, shares_of, share)
        except Invalid:
            return "rejected"
        return "accepted"

    for n, t in enumerate(doc["tampered"]):
        cases.append((f"tampered/{n} {t['what']}", lambda t=t: rejected(unhex(t["share"])), "rejected"))

    # Variants made here from the spec alone (§19.4 steps 1–2, §19.5).
    good = unhex(doc["shares"][0]["share"])
    cases.append(("own/one-byte-short", lambda: rejected(good[:-1]), "rejected"))
    cases.append(("own/one-byte-long", lambda: rejected(good + b"\x00"), "rejected"))
    cases.append(("own/N-says-one-more", lambda: rejected(good[:4] + u64be(len(cts) + 1) + good[12:] + bytes(32)), "rejected"))
    ell = ELL.to_bytes(32, "little")
    cases.append(("own/z-not-canonical", lambda: rejected(good[:-32] + ell), "rejected"))
    bad_point = bytes.fromhex("0100000000000000000000000000000000000000000000000000000000000000")  # RFC 9496 A.2
    cases.append(("own/D1-not-canonical", lambda: rejected(good[:12] + bad_point + good[44:]), "rejected"))
    cases.append(("own/unknown-scrutineer", lambda: rejected(u64be(0)[:4] + good[4:]), "rejected"))
    ident = [IDENTITY] + public_shares[1:]
    cases.append(("own/public-share-identity", lambda: rejected(good, shares_of=ident), "rejected"))
    # L binds both halves: changing B₁ alone changes s and the proof fails.
    other = [(cts[0][0], add(cts[0][1], G))] + cts[1:]
    cases.append(("own/list-B1-changed", lambda: rejected(good, list_of=other), "rejected"))
    cases.append(("own/ctx-changed", lambda: _mix_ctx_changed(doc, cts, public_shares, good), "rejected"))
    return cases


def _mix_ctx_changed(doc: dict, cts, public_shares, share: bytes) -> str:
    try:
        verify_list_share(unhex(doc["ctx"]) + b"!", cts, public_shares, share)
    except Invalid:
        return "rejected"
    return "accepted"


# ---------------------------------------------------------------------------
# §6 Credentials, §12.4 board entries, §13.4 (cancelled credentials, §6.7)
# ---------------------------------------------------------------------------

# §6.1.1: the AlgorithmIdentifier of RSASSA-PSS with SHA-384, MGF1-SHA-384, salt 48.
PSS_ALGORITHM = bytes.fromhex(
    "303d06092a864886f70d01010a3030a00d300b0609608648016503040202"
    "a11a301806092a864886f70d010108300b0609608648016503040202a203020130"
)


def der_tlv(b: bytes, i: int) -> tuple[int, bytes, int]:
    """One DER tag-length-value at `i`: (tag, value, end). Minimal lengths only."""
    require(i + 2 <= len(b), "DER truncated")
    tag, first = b[i], b[i + 1]
    i += 2
    if first < 0x80:
        length = first
    else:
        n = first & 0x7F
        require(1 <= n <= 2 and i + n <= len(b), "DER length")
        length = int.from_bytes(b[i : i + n], "big")
        require(length >= 0x80 and (n == 1 or length >= 0x100), "DER length not minimal")
        i += n
    require(i + length <= len(b), "DER truncated")
    return tag, b[i : i + length], i + length


def spki_modulus(der: bytes) -> int:
    """§6.1.1: the modulus of a credential public key, which must be exactly that encoding."""
    tag, spki, end = der_tlv(der, 0)
    require(tag == 0x30 and end == len(der), "SubjectPublicKeyInfo")
    require(spki.startswith(PSS_ALGORITHM), "not an RSASSA-PSS SHA-384 key")
    tag, bits, end = der_tlv(spki, len(PSS_ALGORITHM))
    require(tag == 0x03 and end == len(spki) and bits[:1] == b"\x00", "public key BIT STRING")
    tag, rsa, end = der_tlv(bits, 1)
    require(tag == 0x30 and end == len(bits), "RSAPublicKey")
    tag, n, i = der_tlv(rsa, 0)
    require(tag == 0x02 and len(n) > 1 and n[0] < 0x80, "modulus must be a positive INTEGER")
    require(n[0] != 0 or n[1] >= 0x80, "modulus not minimal DER")
    tag, e, i = der_tlv(rsa, i)
    require(tag == 0x02 and e == b"\x01\x00\x01" and i == len(rsa), "public exponent must be 65537")
    modulus = int.from_bytes(n, "big")
    require(2048 <= modulus.bit_length() <= 4096, "modulus size")
    return modulus


def mgf1_sha384(seed: bytes, length: int) -> bytes:
    out = b""
    counter = 0
    while len(out) < length:
        out += hashlib.sha384(seed + counter.to_bytes(4, "big")).digest()
        counter += 1
    return out[:length]


def rsa_pss_sha384_verify(n: int, message: bytes, sig: bytes) -> None:
    """§6.5: RSASSA-PSS-VERIFY (RFC 8017 §8.1.2, §9.1.2), SHA-384, MGF1-SHA-384, salt 48."""
    k = (n.bit_length() + 7) // 8
    require(len(sig) == k, "signature length is not the key's")
    s = int.from_bytes(sig, "big")
    require(s < n, "signature out of range")
    m = pow(s, 65537, n)
    em_bits = n.bit_length() - 1
    em_len = (em_bits + 7) // 8
    require(m < 1 << (8 * em_len), "encoded message too long")
    em = m.to_bytes(em_len, "big")
    h_len = s_len = 48
    require(em_len >= h_len + s_len + 2 and em[-1] == 0xBC, "not a PSS encoding")
    masked, h = em[: em_len - h_len - 1], em[em_len - h_len - 1 : -1]
    zero_bits = 8 * em_len - em_bits
    require(masked[0] >> (8 - zero_bits) == 0 if zero_bits else True, "PSS leftmost bits")
    db = bytearray(a ^ b for a, b in zip(masked, mgf1_sha384(h, em_len - h_len - 1)))
    db[0] &= 0xFF >> zero_bits
    ps = em_len - h_len - s_len - 2
    require(bytes(db[:ps]) == bytes(ps) and db[ps] == 1, "PSS padding")
    salt = bytes(db[-s_len:])
    require(hashlib.sha384(bytes(8) + hashlib.sha384(message).digest() + salt).digest() == h, "PSS hash")


def enc(x: bytes) -> bytes:
    return u64be(len(x)) + x


def decode_credential(b: bytes) -> tuple[bytes, bytes, bytes]:
    """§6.4: (token, msg_prefix, sig)."""
    require(len(b) >= 67 and b[0] == 1, "credential version or length")
    sig_len = int.from_bytes(b[65:67], "big")
    require(256 <= sig_len <= 512 and len(b) == 67 + sig_len, "credential length")
    return b[1:33], b[33:65], b[67:]


def credential_serial(token: bytes) -> bytes:
    """§6.5: the first 32 bytes of H("hallvote/credential/serial/v1", token)."""
    return H("hallvote/credential/serial/v1", token)[:32]


def verify_credential(n: int, poll_id: bytes, cred: bytes) -> bytes:
    """§6.5: the credential is valid for the poll; returns its serial."""
    token, prefix, sig = decode_credential(cred)
    msg = enc(b"hallvote/credential/v1") + enc(poll_id) + enc(token)
    rsa_pss_sha384_verify(n, prefix + msg, sig)
    return credential_serial(token)


def decode_board_entry(b: bytes) -> tuple[str, bytes]:
    """§12.4: (kind, credential); the ballot and opening are not needed by §13.4."""
    def blob(i: int) -> tuple[bytes, int]:
        require(i + 4 <= len(b), "board entry truncated")
        n = int.from_bytes(b[i : i + 4], "big")
        require(i + 4 + n <= len(b), "board entry truncated")
        return b[i + 4 : i + 4 + n], i + 4 + n
    require(len(b) >= 1, "empty board entry")
    kind = {0: "cast", 1: "spoiled", 2: "cancelled", 3: "replaced"}.get(b[0])
    require(kind is not None, "board entry kind")
    i, credential = 1, b""
    if kind != "replaced":
        credential, i = blob(i)
    if kind in ("cast", "spoiled"):
        _, i = blob(i)
    if kind == "spoiled":
        _, i = blob(i)
    require(i == len(b), "trailing bytes in a board entry")
    return kind, credential


def check_board_credentials(n: int, poll_id: bytes, entries: list[bytes]) -> None:
    """§13.4: every credential valid; no serial cast twice; a cancelled serial (§6.7)
    cancelled once, on no cast entry anywhere, on no spoiled entry after it."""
    cast: dict[bytes, int] = {}
    cancelled: dict[bytes, int] = {}
    for pos, raw in enumerate(entries, start=1):
        kind, credential = decode_board_entry(raw)
        if kind == "replaced":
            continue
        serial = verify_credential(n, poll_id, credential)
        if kind == "cast":
            require(serial not in cast, f"13.4 credentials: entries {cast.get(serial)} and {pos}: one credential cast twice")
            cast[serial] = pos
            require(serial not in cancelled, f"13.4 credentials: entry {pos}: cast under a credential cancelled at entry {cancelled.get(serial)}")
        elif kind == "spoiled":
            require(serial not in cancelled, f"13.4 credentials: entry {pos}: challenged under a credential cancelled at entry {cancelled.get(serial)}")
        else:
            require(serial not in cancelled, f"13.4 credentials: entries {cancelled.get(serial)} and {pos}: one credential cancelled twice")
            cancelled[serial] = pos
            require(serial not in cast, f"13.4 credentials: entry {pos}: cancels a credential cast at entry {cast.get(serial)}")


def case_board_credentials(c: dict) -> None:
    check_board_credentials(spki_modulus(unhex(c["credential_key"])), unhex(c["poll_id"]), [unhex(e) for e in c["entries"]])
# §12.12 and §13.11.1–§13.11.5: the write-in mix of a record
# ---------------------------------------------------------------------------

MIX_RECORDS_FORMAT = "hallvote-mix-records/v1"


class StepFailed(Invalid):
    """A record rejected at the step of §13 named by `section`."""

    def __init__(self, section: str, why: str) -> None:
        super().__init__(f"{section}: {why}")
        self.section = section


class Cursor:
    """Strict reader of the encodings of §11.1: big-endian integers and u32be-prefixed blobs."""

    def __init__(self, b: bytes) -> None:
        self.b, self.pos = b, 0

    def take(self, n: int) -> bytes:
        require(self.pos + n <= len(self.b), "truncated")
        out = self.b[self.pos : self.pos + n]
        self.pos += n
        return out

    def u8(self) -> int:
        return self.take(1)[0]

    def u32(self) -> int:
        return int.from_bytes(self.take(4), "big")

    def blob(self) -> bytes:
        return self.take(self.u32())

    def done(self) -> bool:
        return self.pos == len(self.b)


def parse_record(b: bytes) -> dict:
    """§12.1: the body's structure, version 2 or 3 (the signatures that follow are not read here)."""
    r = Cursor(b)
    require(r.take(8) == b"HVRECORD", "record magic")
    version = r.u8()
    require(version in (2, 3), "record version")
    rec: dict = {"version": version, "manifest": r.blob()}
    for _ in range(r.u32()):
        r.blob()  # dealer messages (§12.2)
    r.take(40 * r.u32())  # complaints
    r.take(4 * r.u32())  # qualified dealers
    rec["joint_key"] = r.take(32)
    rec["public_shares"] = [r.take(32) for _ in range(r.u32())]
    r.take(12)  # attendance (§12.3)
    rec["board"] = []
    for _ in range(r.u32()):
        e = Cursor(r.blob())
        kind = e.u8()
        require(kind in (0, 1), "board entry kind")
        e.blob()  # credential
        rec["board"].append((kind, e.blob()))
    r.take(104 * r.u32())  # receipt heads (§12.5)
    r.take(104)  # final head
    r.take(64 * r.u32())  # aggregates (§12.6)
    for _ in range(r.u32()):
        r.u32()
        r.take(132 * r.u32())  # decryption shares
    r.take(8 * r.u32())  # totals
    rec["mixes"] = []
    if version == 3:
        x = r.u32()
        require(x >= 1, "a version-3 record has a mix")
        for _ in range(x):
            m = {"contest": r.u32(), "rows": r.u32(), "input_digest": r.take(64), "turns": [], "shares": [], "names": []}
            n = m["rows"]
            for _ in range(r.u32()):
                j = r.u32()
                out = [r.take(192) for _ in range(n)]
                m["turns"].append((j, out, r.blob()))
            m["shares"] = [r.blob() for _ in range(r.u32())]
            m["names"] = [r.blob().decode("utf-8") for _ in range(n)]
            rec["mixes"].append(m)
    rec["outcome"] = r.blob()
    return rec


def ballot_write_in_rows(ballot: bytes, shape: list[dict]) -> list[list[bytes]]:
    """§10.4 read with the poll's shape: per contest that takes write-ins, the slot (192 bytes) of every item."""
    r = Cursor(ballot)
    require(r.u8() == 1, "ballot version")
    require(r.u32() == len(shape), "number of contests")
    out = []
    for c in shape:
        require(r.u32() == len(c["items"]), "number of items")
        rows = []
        for it in c["items"]:
            require(r.u8() == it["options"], "number of options")
            r.take((64 + 256) * it["options"])
            r.take(128 * (it["max"] - it["min"] + 1))
            if c["write_ins"]:
                rows.append(r.take(192))
                r.take(64 + 1056)
        if r.u8() == 1:
            require(c["cap"] is not None, "cap flag")
            r.take(128 * (c["cap"] + 1))
        if c["write_ins"]:
            out.append(rows)
    require(r.done(), "trailing bytes after the ballot")
    return out


def outcome_write_ins(b: bytes) -> dict[str, list[tuple[str, int]]]:
    """§12.7: every election's write-ins (name, votes) as the outcome records them."""
    r = Cursor(b)
    require(r.u8() == 1, "outcome version")
    r.blob(), r.blob()
    r.take(2 + 6 * 4 + 8)

    def names() -> None:
        for _ in range(r.u32()):
            r.blob()

    out: dict[str, list[tuple[str, int]]] = {}
    for _ in range(r.u32()):
        kind = r.u8()
        if kind == 0:
            cid = r.blob().decode("utf-8")
            r.take(4 + 8)
            for _ in range(r.u32()):
                r.blob()
                r.take(14)
            w = []
            for _ in range(r.u32()):
                name = r.blob().decode("utf-8")
                w.append((name, r.u32()))
                r.take(2)
            names()
            if r.u8():
                names()
                r.take(8)
            r.take(4)
            if r.u8():
                names()
                r.take(5)
            out[cid] = w
        elif kind in (1, 2):
            r.blob()
            r.take(5)
            for _ in range(r.u32()):
                r.blob()
                r.take(4 * r.u32() + 4)
                r.blob(), r.blob()
        elif kind in (3, 4):  # a recall (4) has a motion's layout (§12.7)
            r.blob()
            r.take(8)
            for _ in range(r.u32()):
                r.blob()
                r.take(13)
        else:
            raise Invalid("contest kind")
    require(r.done(), "trailing bytes after the outcome")
    return out


MAX_NAME_CHARS = 100
_INVISIBLE = set(range(0x200B, 0x200E)) | set(range(0x2060, 0x2065)) | {0xFEFF, 0x00AD, 0x180E, 0x034F} \
    | set(range(0xFE00, 0xFE10)) | set(range(0xE0000, 0xE0080)) | set(range(0xE0100, 0xE01F0)) \
    | {0x2028, 0x2029, 0x115F, 0x1160, 0x3164, 0xFFA0}
_DIRECTION = set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A)) | {0x200E, 0x200F, 0x061C}


def name_ok(name: str) -> bool:
    """The name checks of §12.12: not blank, no spaces around, no control, direction or invisible character, ≤ 100 characters."""
    import unicodedata

    if not name.strip() or name.strip() != name:
        return False
    for ch in name:
        if unicodedata.category(ch) == "Cc" or ord(ch) in _DIRECTION or ord(ch) in _INVISIBLE:
            return False
    return len(name) <= MAX_NAME_CHARS


def one_form(name: str) -> str:
    """§12.12: NFC, with the Kangxi and CJK radicals folded to the character each stands for."""
    import unicodedata

    def fold(ch: str) -> str:
        if 0x2E80 <= ord(ch) <= 0x2EFF or 0x2F00 <= ord(ch) <= 0x2FDF:
            f = unicodedata.normalize("NFKC", ch)
            return f if len(f) == 1 else ch
        return ch

    return "".join(fold(ch) for ch in unicodedata.normalize("NFC", name))


def counted_write_ins(names: list[str], candidates: list[str]) -> dict[str, int]:
    """§12.12: the counted names with their votes; empty and void names count for no one."""
    out: dict[str, int] = {}
    for n in names:
        if n and name_ok(n) and one_form(n) == n and name_ok(one_form(n)) and n not in candidates:
            out[n] = out.get(n, 0) + 1
    return out


def verify_record_mix(rec_bytes: bytes, shape: list[dict], k: int, n_scrutineers: int) -> str:
    """§13.11.1–§13.11.5 on a record: "accepted", or StepFailed at the first step that fails."""
    rec = parse_record(rec_bytes)
    y = decode_key(rec["joint_key"])
    e = H("hallvote/record/election/v1", rec["manifest"], y)  # §11.3
    public_shares = [decode_element(x) for x in rec["public_shares"]]
    # §13.11.1
    wanted = [c for c, sh in enumerate(shape) if sh["write_ins"]]
    inputs: dict[int, list[Row]] = {c: [] for c in wanted}
    for kind, ballot in rec["board"]:
        if kind != 0:
            continue  # spoiled ballots are never in the list
        for c, rows in zip(wanted, ballot_write_in_rows(ballot, shape)):
            inputs[c] += [decode_slot_ciphertexts(row) for row in rows]
    if [m["contest"] for m in rec["mixes"]] != wanted:
        raise StepFailed("13.11.1", "the record's mixes are not those of the contests that take write-ins")
    for m in rec["mixes"]:
        rows = inputs[m["contest"]]
        if m["rows"] != len(rows):
            raise StepFailed("13.11.1", f"{m['rows']} rows for {len(rows)} write-in rows on the board")
        flat = [x for row in rows for ct in row for x in ct]
        if H("hallvote/record/mix-input/v1", u64be(len(rows)), *flat) != m["input_digest"]:
            raise StepFailed("13.11.1", "the input digest is not that of the board's write-in rows")
    # §13.11.2
    lasts = []
    for m in rec["mixes"]:
        c, current = m["contest"], inputs[m["contest"]]
        if (len(current) == 0) != (len(m["turns"]) == 0):
            raise StepFailed("13.11.2", "a list with rows has at least one turn, an empty one none")
        seen = set()
        for t, (j, out, proof) in enumerate(m["turns"]):
            if not 1 <= j <= n_scrutineers or j in seen:
                raise StepFailed("13.11.2", f"turn {t + 1}: scrutineer {j} out of range or repeated")
            seen.add(j)
            ctx = H("hallvote/record/mix/v1", e, u64be(c), u64be(t), u64be(j))
            try:
                outputs = [decode_row(row) for row in out]
                verify_shuffle(ctx, y, current, outputs, proof)
            except ShuffleRejected as err:
                raise StepFailed("13.11.2", f"turn {t + 1} (scrutineer {j}): {err.check}") from None
            current = outputs
        lasts.append(current)
    # §13.11.3
    verified_all = []
    for m, last in zip(rec["mixes"], lasts):
        cts = [ct for row in last for ct in row]
        ctx = H("hallvote/record/mix-decrypt/v1", e, u64be(m["contest"]))
        verified: dict[int, list[bytes]] = {}
        for share in m["shares"]:
            try:
                j, ds, _ = verify_list_share(ctx, cts, public_shares, share)
            except Invalid as err:
                raise StepFailed("13.11.3", f"a list share: {err}") from None
            if j in verified:
                raise StepFailed("13.11.3", f"scrutineer {j} twice")
            verified[j] = ds
        if last and len(verified) < k:
            raise StepFailed("13.11.3", f"list shares from {len(verified)} scrutineers, {k} needed")
        if not last and m["shares"]:
            raise StepFailed("13.11.3", "an empty list has no shares")
        verified_all.append(verified)
    # §13.11.4
    for m, last, verified in zip(rec["mixes"], lasts, verified_all):
        chosen = sorted(verified)[:k]
        lams = lagrange_at_zero(chosen)
        names = []
        for r, row in enumerate(last):
            ms = [sub(b, element_sum(mul(lam, verified[j][3 * r + l]) for lam, j in zip(lams, chosen)))
                  for l, (_, b) in enumerate(row)]
            try:
                names.append(decode_slot(ms))
            except Invalid as err:
                raise StepFailed("13.11.4", f"row {r + 1}: {err}") from None
        if names != m["names"]:
            r = next((i for i, (a, b) in enumerate(zip(names, m["names"])) if a != b), len(names))
            raise StepFailed("13.11.4", f"row {r + 1}: the record's name is not the decrypted one")
    # §13.11.5
    recorded = outcome_write_ins(rec["outcome"])
    for cid, listed in recorded.items():
        c = next((i for i, sh in enumerate(shape) if sh["id"] == cid), None)
        mix = next((m for m in rec["mixes"] if m["contest"] == c), None)
        ours = counted_write_ins(mix["names"], shape[c]["candidates"]) if mix else {}
        theirs = dict(listed)
        if len(theirs) != len(listed) or theirs != ours:
            raise StepFailed("13.11.5", f"contest {cid}: the outcome counts {theirs}, the decrypted list gives {ours}")
    return "accepted"


def mix_record_cases(doc: dict) -> list[tuple[str, object, object]]:
    """The records of `export_mix_record` (§12.12): each must meet its expected verdict."""
    require(doc.get("format") == MIX_RECORDS_FORMAT, "not a mix records file")

    def verdict(rec: str) -> str:
        try:
            return verify_record_mix(unhex(rec), doc["shape"], doc["threshold"], doc["scrutineers"])
        except StepFailed as err:
            return err.section

    # The outcome's write-in names in their one form (§12.12), checked here on their own.
    own = [
        ("name/listed-counts", lambda: counted_write_ins(["赵六", "", "赵六"], ["王芳"]), {"赵六": 2}),
        ("name/outside-bmp-counts", lambda: counted_write_ins(["𠮷田"], []), {"𠮷田": 1}),
        ("name/candidate-is-void", lambda: counted_write_ins(["王芳"], ["王芳"]), {}),
        ("name/spaces-are-void", lambda: counted_write_ins([" 赵六"], []), {}),
        ("name/radical-is-void", lambda: counted_write_ins(["\u2f08"], []), {}),
        ("name/compatibility-ideograph-is-void", lambda: counted_write_ins(["\uf9e1"], []), {}),
        ("name/zero-width-is-void", lambda: counted_write_ins(["赵\u200b六"], []), {}),
    ]
    return own + [(f"record/{c['name']}", lambda c=c: verdict(c["record"]), c["expected"]) for c in doc["cases"]]


# ---------------------------------------------------------------------------
# The cases
# ---------------------------------------------------------------------------


def unhex(s: str) -> bytes:
    return bytes.fromhex(s)


def case_hash(c: dict) -> None:
    require(H(c["tag"], *map(unhex, c["parts"])) == unhex(c["output"]), "hash differs")


def case_schnorr(c: dict) -> None:
    verify_schnorr(unhex(c["ctx"]), decode_element(unhex(c["x"])), unhex(c["proof"]))


def case_range(c: dict) -> None:
    a, b = decode_ciphertext(unhex(c["ciphertext"]))
    verify_range(unhex(c["ctx"]), decode_key(unhex(c["y"])), a, b, c["lo"], c["hi"], unhex(c["proof"]))


def case_equality(c: dict) -> None:
    x, a, d = (decode_element(unhex(c[f])) for f in ("x", "a", "d"))
    verify_equality(unhex(c["ctx"]), x, a, d, unhex(c["proof"]))


def case_dkg_dealer(c: dict) -> None:
    verify_dealer_message(unhex(c["ceremony"]), c["n"], c["k"], unhex(c["message"]))


def case_decryption_share(c: dict) -> None:
    a, b = decode_ciphertext(unhex(c["ciphertext"]))
    public = [decode_element(unhex(p)) for p in c["public_shares"]]
    verify_decryption_share(unhex(c["ctx"]), a, b, public, unhex(c["share"]))


def case_decryption_combine(c: dict) -> None:
    ctx, k = unhex(c["ctx"]), c["k"]
    check_params(c["n"], k)
    public = [decode_element(unhex(p)) for p in c["public_shares"]]
    require(len(public) == c["n"], "public share count ≠ n")
    a, b = decode_ciphertext(unhex(c["ciphertext"]))
    # §3.3: the verifier computes the sum itself.
    require(ciphertext_sum(decode_ciphertext(unhex(x)) for x in c["ciphertexts"]) == (a, b), "sum differs")
    shares: dict[int, bytes] = {}
    for s in c["shares"]:
        j, d = verify_decryption_share(ctx, a, b, public, unhex(s))
        require(j not in shares, "repeated scrutineer index")
        shares[j] = d
    require(len(shares) >= k, "fewer than k shares")
    m_point = combine(b, shares, k)
    # §5.5: any k valid shares give the same M.
    for subset in itertools.combinations(sorted(shares), k):
        require(combine(b, {j: shares[j] for j in subset}, k) == m_point, f"shares {subset} give another M")
    require(recover_small(m_point, c["bound"]) == c["plaintext"], "total differs")


def case_opening(c: dict) -> None:
    check_opening(unhex(c["y"]), unhex(c["ciphertext"]), c["m"], unhex(c["nonce"]))


def case_tree_head(c: dict) -> None:
    size, root = decode_tree_head(unhex(c["tree_head"]))
    leaves = [unhex(x) for x in c["leaves"]]
    require(size == len(leaves), "size differs")
    require(root == mth(leaves), "root differs")


def case_inclusion(c: dict) -> None:
    m, n, path = decode_merkle_proof(unhex(c["proof"]))
    size, root = decode_tree_head(unhex(c["tree_head"]))
    require(size == n, "tree head size ≠ proof size")  # §7.3.2
    verify_inclusion(m, n, path, leaf_hash(unhex(c["leaf"])), root)


def case_consistency(c: dict) -> None:
    m, n, path = decode_merkle_proof(unhex(c["proof"]))
    old_size, r1 = decode_tree_head(unhex(c["old_tree_head"]))
    new_size, r2 = decode_tree_head(unhex(c["new_tree_head"]))
    require(old_size == m and new_size == n, "tree head sizes ≠ proof sizes")  # §7.4.2
    verify_consistency(m, n, path, r1, r2)


def case_writein_row(c: dict) -> None:
    e, s = unhex(c["election"]), unhex(c["serial"])
    require(len(e) == 64 and len(s) == 32, "E is 64 bytes, S is 32")
    verify_write_in_row(
        ctx_write_in(e, s, c["contest"], c["item"]),
        decode_key(unhex(c["y"])),
        decode_ciphertext(unhex(c["against"])),
        decode_ciphertext(unhex(c["indicator"])),
        decode_slot_ciphertexts(unhex(c["slot"])),
        unhex(c["proof"]),
    )


def case_writein_cap(c: dict) -> None:
    """§10.7 item 4: the cap proof is on Σ for-selections + Σ indicators, summed here."""
    e, s = unhex(c["election"]), unhex(c["serial"])
    cts = [decode_ciphertext(unhex(x)) for x in c["fors"] + c["indicators"]]
    a, b = ciphertext_sum(cts)
    verify_range(ctx_cap(e, s, c["contest"]), decode_key(unhex(c["y"])), a, b, 0, c["seats"], unhex(c["proof"]))


CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def fingerprint_short(digest: bytes) -> str:
    """§11.4: the first 100 bits in Crockford base32, four groups of five."""
    bits = int.from_bytes(digest, "big") >> (len(digest) * 8 - 100)
    s = "".join(CROCKFORD[(bits >> (5 * (19 - i))) & 31] for i in range(20))
    return "-".join(s[i : i + 5] for i in range(0, 20, 5))


def spec_examples_self_check() -> None:
    """The worked examples printed in the spec come out of this implementation."""
    # §2.1
    assert H("hallvote/test/v1", b"", b"abc").hex() == (
        "d6186b436a0bc2e3f44f5342d47e7890b3d513a757b199fdb4900534ecbe46fb"
        "e3e2b03939228ebab7ba1ddca8bd530c4a405a7fdc8f510f5e9c62004649c02b"
    )
    assert H("hallvote/proof/range/v1", u64be(1)).hex() == (
        "07cd8cca8d5042b67252839b744feb6e92c52c9de89ae5b6b07629fc952ff227"
        "0657e581d367a31e9c257f02ccbe7a700ba5251022cea328fcf101659e59cd9f"
    )
    # §11.4: the election fingerprint and its short form (Crockford base32, 100 bits).
    f = H("hallvote/record/fingerprint/v1", b"manifest", bytes([7]) * 32, u64be(2), bytes([1]) * 32, bytes([2]) * 32)
    assert f.hex() == (
        "9f50b710edcecad879c05c9ba97dc1d458d6ce77b4f65a6f4e7af18c41ca0da0"
        "82b6895ec7c310e8dc21c33f2e8b6ef8c715d0a89da8074f2085f2cdd51c37a6"
    )
    assert fingerprint_short(f) == "KX8BE-47DSV-5DGYE-0BJDT"
    # §7.1 and §7.5.1, on the RFC 6962 reference tree (google/certificate-transparency
    # merkle_tree_test.cc kInputs / kSHA256Roots; transparency-dev/merkle
    # testonly/constants.go LeafInputs / RootHashes).
    ref = [bytes.fromhex(x) for x in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                      "606162636465666768696a6b6c6d6e6f")]
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert leaf_hash(b"").hex() == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    assert leaf_hash(b"\x00").hex() == "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"
    assert mth(ref[:2]).hex() == "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"
    assert mth(ref[:7]).hex() == "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c"
    assert (u64be(8) + mth(ref)).hex() == (
        "0000000000000008" "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
    )


CHECKS = {
    "hash": case_hash,
    "schnorr": case_schnorr,
    "range": case_range,
    "equality": case_equality,
    "dkg-dealer": case_dkg_dealer,
    "dkg-ceremony": run_ceremony,
    "decryption-share": case_decryption_share,
    "decryption-combine": case_decryption_combine,
    "opening": case_opening,
    "merkle-tree-head": case_tree_head,
    "merkle-inclusion": case_inclusion,
    "merkle-consistency": case_consistency,
    "writein-row": case_writein_row,
    "writein-cap": case_writein_cap,
}

BOARD_CHECKS = {
    "board-credentials": case_board_credentials,
}


def run_case(label: str, thunk, expected) -> bool:
    """Runs one case of §17/§18: its result (a value, or the wording of an Invalid) must equal `expected`."""
    try:
        got = thunk()
    except Invalid as e:
        got = e
    if isinstance(expected, Invalid):
        ok = isinstance(got, Invalid) and str(got) == str(expected)
    else:
        ok = not isinstance(got, Invalid) and got == expected
    if ok:
        print(f"✓ {label}" + (f" (rejected: {got})" if isinstance(got, Invalid) else ""))
    else:
        shown = lambda v: f"rejected ({v})" if isinstance(v, Invalid) else repr(v)
        print(f"✗ {label}: expected {shown(expected)}, got {shown(got)}")
    return ok


def main() -> int:
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    if len(sys.argv) < 2:
        print("usage: verify.py VECTORS.json [SHUFFLE-VECTORS.json | MIX-DECRYPT-VECTORS.json | MIX-RECORDS.json …]", file=sys.stderr)
        return 2
    group_self_check()
    spec_examples_self_check()
    passed = failed = 0
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        if doc.get("format") == "hallvote-shuffle-vectors/v1":
            # §17 and §18: the committed known-answer file (§18.7) and cases made here.
            cases = [(f"write-in-slot/{name}", thunk, expected) for name, thunk, expected in slot_self_cases()]
            cases += [(f"shuffle/{name}", thunk, expected) for name, thunk, expected in shuffle_cases(doc)]
            for label, thunk, expected in cases:
                if run_case(label, thunk, expected):
                    passed += 1
                else:
                    failed += 1
            continue
        if doc.get("format") == "hallvote-board-vectors/v1":
            # §13.4 on boards with cancelled credentials (§6.7), from the tally crate.
            p, f = verify_exported(doc, BOARD_CHECKS)
            passed, failed = passed + p, failed + f
            continue
        if doc.get("format") == MIX_RECORDS_FORMAT:
            # §12.12, §13.11.1–§13.11.5: records with a mix from export_mix_record.
            for name, thunk, expected in mix_record_cases(doc):
                if run_case(f"mix-record/{name}", thunk, expected):
                    passed += 1
                else:
                    failed += 1
            continue
        if doc.get("format") == MIX_DECRYPT_FORMAT:
            # §19: the committed known-answer file (§19.7) and cases made here.
            for name, thunk, expected in mix_decrypt_cases(doc):
                if run_case(f"mix-decrypt/{name}", thunk, expected):
                    passed += 1
                else:
                    failed += 1
            continue
        p, f = verify_exported(doc)
        passed, failed = passed + p, failed + f
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and passed > 0 else 1


def verify_exported(doc: dict, checks: dict = None) -> tuple[int, int]:
    """The cases written by `export_vectors` (or, with `checks`, another exporter),
    each with `"valid": true|false`."""
    table = CHECKS if checks is None else checks
    cases = doc["cases"]
    passed = failed = 0
    seen = set()
    for c in cases:
        label = f"{c['kind']}/{c['name']}"
        check = table.get(c["kind"])
        if check is None:
            print(f"✗ {label}: unknown kind")
            failed += 1
            continue
        seen.add(c["kind"])
        try:
            check(c)
            verdict, why = True, ""
        except Invalid as e:
            verdict, why = False, str(e)
        expected = bool(c["valid"])
        if verdict == expected:
            passed += 1
            print(f"✓ {label}" + ("" if verdict else f" (rejected: {why})"))
        else:
            failed += 1
            print(f"✗ {label}: expected {'valid' if expected else 'invalid'}, got " + ("valid" if verdict else f"invalid ({why})"))
    # A vectors file that lost a whole kind of case must not pass quietly.
    for kind in sorted(set(table) - seen):
        print(f"✗ {kind}: no cases in the vectors file")
        failed += 1
    return passed, failed


if __name__ == "__main__":
    sys.exit(main())
