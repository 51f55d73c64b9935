//! Verifiable re-encryption shuffle of rows of ciphertexts (spec §18, ADR 0020).
//!
//! After the poll closes, each scrutineer station in turn re-encrypts and
//! permutes the list of write-in slots, so that no one — that station included,
//! unless every station colludes — can link a decrypted name to a ballot. Each
//! station publishes a non-interactive proof that its output is a permutation of
//! re-encryptions of its input: the Terelius–Wikström proof of shuffle exactly as
//! the CHVote protocol specification writes it (algorithms GenShuffleProof and
//! CheckShuffleProof), generalised to rows of `L` ciphertexts that move together
//! as Verificatum does for ciphertexts of width `L`.
//!
//! Notation follows CHVote: output row `i` is input row `ψ(i)` re-encrypted;
//! `c` is the permutation commitment, `ĉ` the commitment chain, `u` the
//! challenges the permutation is tested on, `t` the prover's commitments and
//! `s` its responses. Indices are 1-based in the spec and 0-based here.
//!
//! The permutation and every random scalar of the prover are secret: they live
//! in zeroizing buffers, and every multiplication by them is constant time
//! (fixed-base tables, constant-time multiscalar multiplication). Verification
//! handles public data only and uses one variable-time multiscalar
//! multiplication for all of its equations (spec §18.5); only when that fails are
//! the equations checked one by one, to name the one that is false.

use curve25519_dalek::ristretto::{RistrettoBasepointTable, RistrettoPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{IsIdentity, MultiscalarMul, VartimeMultiscalarMul};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::elgamal::{Ciphertext, PublicKey};
use crate::error::{DecodeError, ShuffleCheck, UsageError, VerifyError};
use crate::group::{Element, G, SecretScalar, random_weight};
use crate::hash::Hasher;
use crate::proofs::Reader;
use crate::{CryptoRng, Rng, tags};

/// The widest row a shuffle accepts (spec §18.1).
pub const MAX_WIDTH: usize = 16;

/// One row of a shuffle: the ciphertexts of one write-in slot, which move together.
pub type Row = Vec<Ciphertext>;

/// What a proof of shuffle speaks about (spec §18.1).
#[derive(Clone, Copy, Debug)]
pub struct ShuffleStatement<'a> {
    /// Where the shuffle belongs (the poll and the station's turn), chosen by the
    /// protocol layer and bound into every challenge (spec §2.3).
    pub ctx: &'a [u8],
    /// The joint election key the rows are encrypted under.
    pub key: &'a PublicKey,
    /// The rows before the shuffle.
    pub input: &'a [Row],
    /// The rows after the shuffle.
    pub output: &'a [Row],
}

/// A Terelius–Wikström proof of shuffle (spec §18.4), in commitment form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShuffleProof {
    /// The permutation commitment `c₁ … c_N`: `c_ψ(i) = r_ψ(i)·G + hᵢ`.
    pub commitments: Vec<Element>,
    /// The commitment chain `ĉ₁ … ĉ_N`: `ĉᵢ = r̂ᵢ·G + u'ᵢ·ĉᵢ₋₁`, `ĉ₀ = h`.
    pub chain: Vec<Element>,
    /// `t₁ = ω₁·G`.
    pub t1: Element,
    /// `t₂ = ω₂·G`.
    pub t2: Element,
    /// `t₃ = ω₃·G + Σ ω'ᵢ·hᵢ`.
    pub t3: Element,
    /// Per component `l` of a row: `(t₄,A,l, t₄,B,l)` with
    /// `t₄,A,l = −ω₄,l·G + Σ ω'ᵢ·Ãᵢ,l` and `t₄,B,l = −ω₄,l·Y + Σ ω'ᵢ·B̃ᵢ,l`.
    pub t4: Vec<(Element, Element)>,
    /// `t̂ᵢ = ω̂ᵢ·G + ω'ᵢ·ĉᵢ₋₁`.
    pub t_hat: Vec<Element>,
    /// `s₁ = ω₁ + c·Σ rⱼ`.
    pub s1: Scalar,
    /// `s₂ = ω₂ + c·Σ r̂ᵢ·vᵢ`.
    pub s2: Scalar,
    /// `s₃ = ω₃ + c·Σ rⱼ·uⱼ`.
    pub s3: Scalar,
    /// Per component `l`: `s₄,l = ω₄,l + c·Σ r̃ⱼ,l·uⱼ`.
    pub s4: Vec<Scalar>,
    /// `ŝᵢ = ω̂ᵢ + c·r̂ᵢ`.
    pub s_hat: Vec<Scalar>,
    /// `s'ᵢ = ω'ᵢ + c·u'ᵢ`.
    pub s_prime: Vec<Scalar>,
}

/// Shuffles `input` under `key`: a fresh random permutation and fresh
/// re-encryption of every ciphertext, with the proof that binds `ctx` (spec §18.2).
///
/// Refuses an empty list and rows of unequal width or of a width outside `1..=16`.
pub fn shuffle<R: CryptoRng + ?Sized>(
    ctx: &[u8],
    key: &PublicKey,
    input: &[Row],
    rng: &mut R,
) -> Result<(Vec<Row>, ShuffleProof), UsageError> {
    let width = row_width(input).ok_or(UsageError::Shuffle)?;
    let witness = Witness::random(input.len(), width, rng);
    let output = witness.apply(key, input);
    let statement = ShuffleStatement { ctx, key, input, output: &output };
    let proof = prove(&statement, &witness, rng);
    Ok((output, proof))
}

/// The secret of a shuffle: the permutation `ψ` (output `i` is input `ψ(i)`)
/// and the re-encryption nonce `r̃ⱼ,l` of component `l` of input row `j`.
#[derive(Zeroize, ZeroizeOnDrop)]
pub(crate) struct Witness {
    pub(crate) permutation: Vec<usize>,
    /// Row-major: `reencryption[j·width + l]`.
    pub(crate) reencryption: Vec<Scalar>,
    pub(crate) width: usize,
}

impl Witness {
    fn random<R: CryptoRng + ?Sized>(rows: usize, width: usize, rng: &mut R) -> Self {
        Self {
            permutation: random_permutation(rows, rng),
            reencryption: (0..rows * width).map(|_| nonce(rng)).collect(),
            width,
        }
    }

    /// Output row `i` = input row `ψ(i)` re-encrypted with that input's nonces.
    pub(crate) fn apply(&self, key: &PublicKey, input: &[Row]) -> Vec<Row> {
        in_two_halves(self.permutation.len(), |range| {
            self.permutation[range]
                .iter()
                .map(|&j| {
                    let nonces = &self.reencryption[j * self.width..(j + 1) * self.width];
                    input[j].iter().zip(nonces).map(|(c, r)| c.reencrypt(key, r)).collect()
                })
                .collect()
        })
    }
}

/// `f` over `0..n` in two halves, the second on a scoped thread, concatenated in order.
///
/// Hall stations have at least two cores, and every step split this way is a
/// map over independent rows; all randomness is drawn before, on the caller's
/// thread, so the result does not depend on the split. Public so that the record
/// builder and verifier split their own maps (decoding lists, decoding names) the
/// same way. A thread made here inherits its creator's scheduling priority, so a
/// verifier that lowered its own (ADR 0008) keeps it lowered.
pub fn in_two_halves<T: Send>(n: usize, f: impl Fn(core::ops::Range<usize>) -> Vec<T> + Sync) -> Vec<T> {
    let middle = n / 2;
    std::thread::scope(|scope| {
        let second = scope.spawn(|| f(middle..n));
        let mut first = f(0..middle);
        // A panic on the second thread is a bug in `f`; carry it to the caller.
        first.extend(second.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        first
    })
}

/// A uniformly random nonzero scalar (spec §1.5: a nonce that comes out zero is
/// drawn again), copied out of its zeroizing wrapper into the caller's zeroizing buffer.
fn nonce<R: CryptoRng + ?Sized>(rng: &mut R) -> Scalar {
    *SecretScalar::random(rng).expose()
}

/// A uniformly random permutation of `0..n` (Fisher–Yates, CHVote GenPermutation).
fn random_permutation<R: Rng + ?Sized>(n: usize, rng: &mut R) -> Vec<usize> {
    let mut items: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let k = uniform_below(rng, i as u64 + 1) as usize;
        items.swap(i, k);
    }
    items
}

/// A uniform integer in `0..bound` by rejection, without modulo bias.
fn uniform_below<R: Rng + ?Sized>(rng: &mut R, bound: u64) -> u64 {
    let zone = u64::MAX - (u64::MAX % bound);
    loop {
        let x = rng.next_u64();
        if x < zone {
            return x % bound;
        }
    }
}

/// The width shared by every row, if the list is a valid shuffle input (spec §18.1).
fn row_width(rows: &[Row]) -> Option<usize> {
    let width = rows.first()?.len();
    let valid =
        (1..=MAX_WIDTH).contains(&width) && rows.iter().all(|r| r.len() == width) && rows.len() <= u32::MAX as usize;
    valid.then_some(width)
}

/// The independent generator number `index` (spec §18.3): `h` is index 0 and
/// `hᵢ` is index `i`. The RFC 9496 one-way map of a hash, so no one knows the
/// discrete logarithm of one generator to another or to `G`.
pub fn generator(index: u64) -> RistrettoPoint {
    let mut h = Hasher::new(tags::SHUFFLE_GENERATOR);
    h.u64(index);
    RistrettoPoint::from_uniform_bytes(&h.finalize())
}

/// `h, h₁, …, h_N`, on two threads (each is a hash and a one-way map, independent).
fn generators(n: usize) -> Vec<RistrettoPoint> {
    in_two_halves(n + 1, |range| range.map(|i| generator(i as u64)).collect())
}

/// The statement digest `d` (spec §18.4).
fn statement_digest(statement: &ShuffleStatement<'_>, width: usize, commitments: &[Element]) -> [u8; 64] {
    let mut h = Hasher::new(tags::SHUFFLE_STATEMENT);
    h.bytes(statement.ctx).element(statement.key.element()).u64(statement.input.len() as u64).u64(width as u64);
    for row in statement.input.iter().chain(statement.output) {
        for c in row {
            h.element(&c.a).element(&c.b);
        }
    }
    for c in commitments {
        h.element(c);
    }
    h.finalize()
}

/// `u₁ … u_N` (spec §18.4).
fn permutation_challenges(digest: &[u8; 64], n: usize) -> Vec<Scalar> {
    in_two_halves(n, |range| {
        range
            .map(|i| {
                let mut h = Hasher::new(tags::SHUFFLE_PERMUTATION_CHALLENGE);
                h.bytes(digest).u64(i as u64 + 1);
                h.challenge()
            })
            .collect()
    })
}

/// The challenge `c` (spec §18.4).
fn challenge(digest: &[u8; 64], proof: &ShuffleProof) -> Scalar {
    let mut h = Hasher::new(tags::SHUFFLE_CHALLENGE);
    h.bytes(digest);
    for e in &proof.chain {
        h.element(e);
    }
    h.element(&proof.t1).element(&proof.t2).element(&proof.t3);
    for (a, b) in &proof.t4 {
        h.element(a).element(b);
    }
    for e in &proof.t_hat {
        h.element(e);
    }
    h.challenge()
}

/// The prover's random scalars and the permuted challenges, zeroized on drop.
#[derive(Zeroize, ZeroizeOnDrop)]
struct ProverSecrets {
    r: Vec<Scalar>,
    r_hat: Vec<Scalar>,
    u_prime: Vec<Scalar>,
    omega: [Scalar; 3],
    omega4: Vec<Scalar>,
    omega_hat: Vec<Scalar>,
    omega_prime: Vec<Scalar>,
    /// `R₀ … R_N` and `U₀ … U_N` of the chain (`ĉᵢ = Rᵢ·G + Uᵢ·h`).
    chain_r: Vec<Scalar>,
    chain_u: Vec<Scalar>,
}

/// GenShuffleProof (spec §18.4), for any witness: the tests use it to make the
/// best proofs a cheating mixer could make.
pub(crate) fn prove<R: CryptoRng + ?Sized>(
    statement: &ShuffleStatement<'_>,
    witness: &Witness,
    rng: &mut R,
) -> ShuffleProof {
    let n = statement.input.len();
    let width = witness.width;
    let key = statement.key;
    let gens = generators(n);
    let psi = &witness.permutation;
    let mut random = |count: usize| -> Vec<Scalar> { (0..count).map(|_| nonce(rng)).collect() };
    let mut secrets = ProverSecrets {
        r: random(n),
        r_hat: random(n),
        u_prime: Vec::new(),
        omega: [Scalar::ZERO; 3],
        omega4: random(width),
        omega_hat: random(n),
        omega_prime: random(n),
        chain_r: Vec::new(),
        chain_u: Vec::new(),
    };
    secrets.omega = [nonce(rng), nonce(rng), nonce(rng)];

    // The permutation commitment: c_ψ(i) = r_ψ(i)·G + hᵢ.
    let by_output = in_two_halves(n, |range| {
        range.map(|i| Element::new(RistrettoPoint::mul_base(&secrets.r[psi[i]]) + gens[i + 1])).collect()
    });
    let mut commitments = vec![Element::identity(); n];
    for (&j, commitment) in psi.iter().zip(by_output) {
        commitments[j] = commitment;
    }
    let digest = statement_digest(statement, width, &commitments);
    let u = permutation_challenges(&digest, n);
    secrets.u_prime = psi.iter().map(|&j| u[j]).collect();

    // The commitment chain ĉᵢ = r̂ᵢ·G + u'ᵢ·ĉᵢ₋₁ from ĉ₀ = h is ĉᵢ = Rᵢ·G + Uᵢ·h with
    // Rᵢ = r̂ᵢ + u'ᵢ·Rᵢ₋₁ and Uᵢ = u'ᵢ·Uᵢ₋₁ (R₀ = 0, U₀ = 1): the recurrence is on
    // scalars, so every link, and t̂ᵢ = ω̂ᵢ·G + ω'ᵢ·ĉᵢ₋₁ = (ω̂ᵢ + ω'ᵢ·Rᵢ₋₁)·G +
    // (ω'ᵢ·Uᵢ₋₁)·h, is two constant-time fixed-base multiplications of its own, and
    // the rows split evenly over two threads (the same points as the recurrence on
    // points, so the same proof).
    let (mut chain_r, mut chain_u) = (Vec::with_capacity(n + 1), Vec::with_capacity(n + 1));
    chain_r.push(Scalar::ZERO);
    chain_u.push(Scalar::ONE);
    for i in 0..n {
        chain_r.push(secrets.r_hat[i] + secrets.u_prime[i] * chain_r[i]);
        chain_u.push(secrets.u_prime[i] * chain_u[i]);
    }
    secrets.chain_r = chain_r;
    secrets.chain_u = chain_u;
    let h_table = RistrettoBasepointTable::create(&gens[0]);
    let [mut w1, mut w2, mut w3] = secrets.omega;
    let secrets = &secrets;
    let (chain, t_hat): (Vec<Element>, Vec<Element>) = in_two_halves(n, |range| {
        range
            .map(|i| {
                let link = RistrettoPoint::mul_base(&secrets.chain_r[i + 1]) + &h_table * &secrets.chain_u[i + 1];
                let mut on_g = secrets.omega_hat[i] + secrets.omega_prime[i] * secrets.chain_r[i];
                let mut on_h = secrets.omega_prime[i] * secrets.chain_u[i];
                let t = RistrettoPoint::mul_base(&on_g) + &h_table * &on_h;
                on_g.zeroize();
                on_h.zeroize();
                (Element::new(link), Element::new(t))
            })
            .collect()
    })
    .into_iter()
    .unzip();
    // The sums of t₃ and t₄ (constant-time multiscalars, the ω'ᵢ being secret), each
    // over the first half of the rows on one thread and the second half on the other.
    let per_half = 1 + 2 * width;
    let sums = in_two_halves(2, |half| {
        let rows = if half.start == 0 { 0..n / 2 } else { n / 2..n };
        let weights = &secrets.omega_prime[rows.clone()];
        let output = &statement.output[rows.clone()];
        let mut out = Vec::with_capacity(per_half);
        out.push(RistrettoPoint::multiscalar_mul(weights, &gens[1 + rows.start..1 + rows.end]));
        for l in 0..width {
            out.push(RistrettoPoint::multiscalar_mul(weights, output.iter().map(|row| *row[l].a.point())));
            out.push(RistrettoPoint::multiscalar_mul(weights, output.iter().map(|row| *row[l].b.point())));
        }
        out
    });
    let sum = |k: usize| sums[k] + sums[per_half + k];
    let t3 = RistrettoPoint::mul_base(&w3) + sum(0);
    let t4: Vec<(Element, Element)> = (0..width)
        .map(|l| {
            let w4 = &secrets.omega4[l];
            let a = sum(1 + 2 * l) - RistrettoPoint::mul_base(w4);
            let b = sum(2 + 2 * l) - key.mul(w4);
            (Element::new(a), Element::new(b))
        })
        .collect();
    let mut proof = ShuffleProof {
        commitments,
        chain,
        t1: Element::new(RistrettoPoint::mul_base(&w1)),
        t2: Element::new(RistrettoPoint::mul_base(&w2)),
        t3: Element::new(t3),
        t4,
        t_hat,
        s1: Scalar::ZERO,
        s2: Scalar::ZERO,
        s3: Scalar::ZERO,
        s4: Vec::new(),
        s_hat: Vec::new(),
        s_prime: Vec::new(),
    };
    let c = challenge(&digest, &proof);

    // vᵢ = Π_{k>i} u'ₖ, so that ĉ_N = (Σ r̂ᵢ·vᵢ)·G + (Π u'ᵢ)·h.
    let mut chain_exponent = Scalar::ZERO;
    let mut v = Scalar::ONE;
    for i in (0..n).rev() {
        chain_exponent += secrets.r_hat[i] * v;
        v *= secrets.u_prime[i];
    }
    let mut r_sum: Scalar = secrets.r.iter().sum();
    let mut r_u = Scalar::ZERO;
    for (r, u) in secrets.r.iter().zip(&u) {
        r_u += r * u;
    }
    proof.s1 = w1 + c * r_sum;
    proof.s2 = w2 + c * chain_exponent;
    proof.s3 = w3 + c * r_u;
    proof.s4 = (0..width)
        .map(|l| {
            let mut sum = Scalar::ZERO;
            for (j, u) in u.iter().enumerate() {
                sum += witness.reencryption[j * width + l] * u;
            }
            let s = secrets.omega4[l] + c * sum;
            sum.zeroize();
            s
        })
        .collect();
    proof.s_hat = secrets.omega_hat.iter().zip(&secrets.r_hat).map(|(w, r)| w + c * r).collect();
    proof.s_prime = secrets.omega_prime.iter().zip(&secrets.u_prime).map(|(w, u)| w + c * u).collect();
    for secret in [&mut chain_exponent, &mut r_u, &mut r_sum, &mut w1, &mut w2, &mut w3] {
        secret.zeroize();
    }
    proof
}

/// The public values every check of CheckShuffleProof uses (spec §18.5).
struct Checked<'a> {
    statement: &'a ShuffleStatement<'a>,
    proof: &'a ShuffleProof,
    width: usize,
    gens: &'a [RistrettoPoint],
    u: Vec<Scalar>,
    c: Scalar,
}

/// One turn of a chain of shuffles (spec §18.5, "Chains"): its context, its output
/// list (the next turn's input) and its proof.
#[derive(Clone, Copy, Debug)]
pub struct ChainTurn<'a> {
    /// The turn's context (spec §18.1).
    pub ctx: &'a [u8],
    /// The rows after this turn.
    pub output: &'a [Row],
    /// The turn's proof of shuffle.
    pub proof: &'a ShuffleProof,
}

/// Verifies a chain of shuffles under one key, each turn's output the next turn's
/// input, the first turn's input `input` (spec §18.5, "Chains"): every equation of
/// every turn in ONE weighted multiscalar multiplication, a list between two turns
/// and the generators entering it once. Accepts iff every turn's proof verifies;
/// on a failure names the first turn (0-based) that fails and its check, as
/// [`ShuffleProof::verify`] of that turn alone would.
pub fn verify_chain<R: CryptoRng + ?Sized>(
    key: &PublicKey,
    input: &[Row],
    turns: &[ChainTurn<'_>],
    rng: &mut R,
) -> Result<(), (usize, VerifyError)> {
    let mut statements = Vec::with_capacity(turns.len());
    let mut before = input;
    for t in turns {
        statements.push(ShuffleStatement { ctx: t.ctx, key, input: before, output: t.output });
        before = t.output;
    }
    // The shape checks of each turn up to the first that fails them; the turns
    // before that one are batched, and a false one among them is named first, as
    // checking turn after turn would.
    let gens = generators(input.len());
    let mut checked = Vec::with_capacity(turns.len());
    let mut malformed = Ok(());
    for (k, (t, statement)) in turns.iter().zip(&statements).enumerate() {
        match t.proof.prepare(statement, &gens) {
            Ok(c) => checked.push(c),
            Err(e) => {
                malformed = Err((k, e));
                break;
            }
        }
    }
    let Some(first) = checked.first() else { return malformed };
    let mut batch = Batch::new(&gens, input.len(), first.width, checked.len());
    for (k, turn) in checked.iter().enumerate() {
        turn.add_to(&mut batch, k, rng);
    }
    if batch.is_identity(&statements) {
        return malformed;
    }
    for (k, turn) in checked.iter().enumerate() {
        turn.each().map_err(|e| (k, e))?;
    }
    // Every equation holds one by one, yet the weighted sum did not vanish:
    // impossible for honest arithmetic; refuse rather than accept.
    Err((0, VerifyError::Batch))
}

/// The scalars of one batch over a chain of `T` turns (spec §4.4, §18.5): one per
/// element, an element shared by several equations or turns gathered into one.
struct Batch<'a> {
    gens: &'a [RistrettoPoint],
    width: usize,
    /// On `G`, `Y` and `h`.
    g: Scalar,
    y: Scalar,
    h: Scalar,
    /// On `h₁ … h_N`.
    on_gens: Vec<Scalar>,
    /// On list `k` (`0` the input, `k` turn `k`'s output), `(i·L + l)·2` for `Aᵢ,l`, `+1` for `Bᵢ,l`.
    on_lists: Vec<Vec<Scalar>>,
    /// Every other element with its scalar: the proofs' own elements.
    others: Vec<(Scalar, RistrettoPoint)>,
}

impl<'a> Batch<'a> {
    fn new(gens: &'a [RistrettoPoint], n: usize, width: usize, turns: usize) -> Self {
        Self {
            gens,
            width,
            g: Scalar::ZERO,
            y: Scalar::ZERO,
            h: Scalar::ZERO,
            on_gens: vec![Scalar::ZERO; n],
            on_lists: vec![vec![Scalar::ZERO; n * width * 2]; turns + 1],
            others: Vec::with_capacity(turns * (n * 4 + 2 * width + 3)),
        }
    }

    /// Whether the weighted sum is the identity: one variable-time multiscalar
    /// multiplication on two threads (dalek picks Pippenger's method for a sum this
    /// long; the key's precomputed combination would use Straus's, several times
    /// slower here).
    fn is_identity(&self, statements: &[ShuffleStatement<'_>]) -> bool {
        let (n, width) = (self.on_gens.len(), self.width);
        let list = |k: usize| if k == 0 { statements[0].input } else { statements[k - 1].output };
        let mut terms: Vec<(Scalar, RistrettoPoint)> =
            Vec::with_capacity(self.others.len() + n * (1 + 2 * width * self.on_lists.len()) + 3);
        terms.push((self.g, G));
        terms.push((self.y, *statements[0].key.element().point()));
        terms.push((self.h, self.gens[0]));
        terms.extend(self.on_gens.iter().copied().zip(self.gens[1..].iter().copied()));
        for (k, scalars) in self.on_lists.iter().enumerate() {
            let points = list(k).iter().flat_map(|row| row.iter().flat_map(|c| [*c.a.point(), *c.b.point()]));
            terms.extend(scalars.iter().copied().zip(points));
        }
        terms.extend_from_slice(&self.others);
        let (first, second) = terms.split_at(terms.len() / 2);
        let halves = in_two_halves(2, |range| {
            let part = if range.start == 0 { first } else { second };
            vec![RistrettoPoint::vartime_multiscalar_mul(part.iter().map(|(s, _)| s), part.iter().map(|(_, p)| p))]
        });
        halves.iter().sum::<RistrettoPoint>().is_identity()
    }
}

impl ShuffleProof {
    /// CheckShuffleProof (spec §18.5): accepts iff every check holds.
    ///
    /// All equations are checked together in one multiscalar multiplication with
    /// random weights from `rng`; if that fails, they are checked one by one and
    /// the first false one is named in the error.
    pub fn verify<R: CryptoRng + ?Sized>(
        &self,
        statement: &ShuffleStatement<'_>,
        rng: &mut R,
    ) -> Result<(), VerifyError> {
        let gens = generators(statement.input.len());
        let checked = self.prepare(statement, &gens)?;
        let mut batch = Batch::new(&gens, statement.input.len(), checked.width, 1);
        checked.add_to(&mut batch, 0, rng);
        if batch.is_identity(core::slice::from_ref(statement)) {
            return Ok(());
        }
        checked.each()?;
        // Every equation holds one by one, yet the weighted sum did not vanish:
        // impossible for honest arithmetic; refuse rather than accept.
        Err(VerifyError::Batch)
    }

    /// Shape checks and the recomputed challenges (spec §18.5 steps 1–3).
    fn prepare<'a>(
        &'a self,
        statement: &'a ShuffleStatement<'a>,
        gens: &'a [RistrettoPoint],
    ) -> Result<Checked<'a>, VerifyError> {
        let fail = |check| Err(VerifyError::Shuffle(check));
        let n = statement.input.len();
        if n == 0 || n > u32::MAX as usize {
            return fail(ShuffleCheck::RowCount);
        }
        let Some(width) = row_width(statement.input) else { return fail(ShuffleCheck::RowWidth) };
        if statement.output.len() != n {
            return fail(ShuffleCheck::RowCount);
        }
        if statement.output.iter().any(|row| row.len() != width) {
            return fail(ShuffleCheck::RowWidth);
        }
        let lengths =
            [self.commitments.len(), self.chain.len(), self.t_hat.len(), self.s_hat.len(), self.s_prime.len()];
        if lengths.iter().any(|&len| len != n) || self.t4.len() != width || self.s4.len() != width {
            return fail(ShuffleCheck::ProofShape);
        }
        let digest = statement_digest(statement, width, &self.commitments);
        let u = permutation_challenges(&digest, n);
        let c = challenge(&digest, self);
        // The generators are made once for the input's length (they are the same for
        // every turn of a chain); a statement whose rows number otherwise failed above.
        if gens.len() != n + 1 {
            return fail(ShuffleCheck::RowCount);
        }
        Ok(Checked { statement, proof: self, width, gens, u, c })
    }

    /// The proof's encoding (spec §18.6): `32·(5N + 3L + 6)` bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(32 * (5 * self.commitments.len() + 3 * self.s4.len() + 6));
        let elements = self
            .commitments
            .iter()
            .chain(&self.chain)
            .chain([&self.t1, &self.t2, &self.t3])
            .chain(self.t4.iter().flat_map(|(a, b)| [a, b]))
            .chain(&self.t_hat);
        for e in elements {
            out.extend_from_slice(e.as_bytes());
        }
        let scalars =
            [&self.s1, &self.s2, &self.s3].into_iter().chain(&self.s4).chain(&self.s_hat).chain(&self.s_prime);
        for s in scalars {
            out.extend_from_slice(s.as_bytes());
        }
        out
    }

    /// Decodes a proof for `rows` rows of `width` ciphertexts, strictly (spec §18.6).
    pub fn decode(bytes: &[u8], rows: usize, width: usize) -> Result<Self, DecodeError> {
        // No list has more than u32::MAX rows (spec §18.1), so the length cannot overflow.
        if rows == 0 || rows > u32::MAX as usize || !(1..=MAX_WIDTH).contains(&width) {
            return Err(DecodeError::OutOfRange { what: "shuffle shape" });
        }
        let expected = 32 * (5 * rows + 3 * width + 6);
        if bytes.len() != expected {
            return Err(DecodeError::Length { expected, actual: bytes.len() });
        }
        let mut r = Reader::new(bytes);
        // Decompression is most of the cost: the long runs on two threads, and the
        // first non-canonical element in encoding order is the one reported.
        let elements = |r: &mut Reader<'_>, n: usize| -> Result<Vec<Element>, DecodeError> {
            let run = r.take(32 * n)?;
            in_two_halves(n, |range| range.map(|i| Element::decode(&run[32 * i..32 * i + 32])).collect())
                .into_iter()
                .collect()
        };
        let commitments = elements(&mut r, rows)?;
        let chain = elements(&mut r, rows)?;
        let (t1, t2, t3) = (r.element()?, r.element()?, r.element()?);
        let t4 = (0..width).map(|_| Ok((r.element()?, r.element()?))).collect::<Result<Vec<_>, DecodeError>>()?;
        let t_hat = elements(&mut r, rows)?;
        let (s1, s2, s3) = (r.scalar()?, r.scalar()?, r.scalar()?);
        let scalars = |r: &mut Reader<'_>, n: usize| (0..n).map(|_| r.scalar()).collect::<Result<Vec<_>, _>>();
        let s4 = scalars(&mut r, width)?;
        let s_hat = scalars(&mut r, rows)?;
        let s_prime = scalars(&mut r, rows)?;
        r.finish()?;
        Ok(Self { commitments, chain, t1, t2, t3, t4, t_hat, s1, s2, s3, s4, s_hat, s_prime })
    }
}

impl Checked<'_> {
    /// `ĉᵢ₋₁` for 0-based `i`: `h` before the first link.
    fn chain_before(&self, i: usize) -> RistrettoPoint {
        if i == 0 { self.gens[0] } else { *self.proof.chain[i - 1].point() }
    }

    /// Adds every equation of this turn (turn `k` of a chain: its input is list `k`,
    /// its output list `k + 1`), each under its own random 128-bit weight drawn from
    /// `rng`, to `batch` (spec §18.5, §4.4).
    fn add_to<R: CryptoRng + ?Sized>(&self, batch: &mut Batch<'_>, k: usize, rng: &mut R) {
        let (p, c, n, width) = (self.proof, self.c, self.u.len(), self.width);
        let w1 = random_weight(rng);
        let w2 = random_weight(rng);
        let w3 = random_weight(rng);
        let w4: Vec<(Scalar, Scalar)> = (0..width).map(|_| (random_weight(rng), random_weight(rng))).collect();
        let w_hat: Vec<Scalar> = (0..n).map(|_| random_weight(rng)).collect();
        let u_product: Scalar = self.u.iter().product();

        batch.g += w1 * p.s1 + w2 * p.s2 + w3 * p.s3;
        batch.others.push((-w1, *p.t1.point()));
        batch.others.push((-w2, *p.t2.point()));
        batch.others.push((-w3, *p.t3.point()));
        // h = ĉ₀: from t₂ and from the first link.
        batch.h += w2 * c * u_product + w_hat[0] * p.s_prime[0];
        for ((l, &(wa, wb)), s4) in w4.iter().enumerate().zip(&p.s4) {
            batch.g -= wa * s4;
            batch.y -= wb * s4;
            batch.others.push((-wa, *p.t4[l].0.point()));
            batch.others.push((-wb, *p.t4[l].1.point()));
        }
        let (before, after) = batch.on_lists.split_at_mut(k + 1);
        let (input, output) = (&mut before[k], &mut after[0]);
        for i in 0..n {
            batch.g += w_hat[i] * p.s_hat[i];
            batch.on_gens[i] += w1 * c + w3 * p.s_prime[i];
            batch.others.push((-(w1 * c) - w3 * c * self.u[i], *p.commitments[i].point()));
            let next = if i + 1 < n { w_hat[i + 1] * p.s_prime[i + 1] } else { -(w2 * c) };
            batch.others.push((next - w_hat[i] * c, *p.chain[i].point()));
            batch.others.push((-w_hat[i], *p.t_hat[i].point()));
            let (cu, sp) = (c * self.u[i], p.s_prime[i]);
            for (l, &(wa, wb)) in w4.iter().enumerate() {
                let at = (i * width + l) * 2;
                input[at] -= wa * cu;
                input[at + 1] -= wb * cu;
                output[at] += wa * sp;
                output[at + 1] += wb * sp;
            }
        }
    }

    /// The equations of CheckShuffleProof one by one, in the order of spec §18.5.
    fn each(&self) -> Result<(), VerifyError> {
        let (p, st, c, n) = (self.proof, self.statement, self.c, self.u.len());
        let fail = |check| Err(VerifyError::Shuffle(check));
        let msm = |scalars: &[Scalar], points: &mut dyn Iterator<Item = RistrettoPoint>| {
            RistrettoPoint::vartime_multiscalar_mul(scalars, points)
        };
        // t₁ = −c·(Σ cⱼ − Σ hᵢ) + s₁·G
        let c_bar: RistrettoPoint = p.commitments.iter().map(|e| *e.point()).sum::<RistrettoPoint>()
            - self.gens[1..].iter().sum::<RistrettoPoint>();
        if st.key.vartime_combination(p.s1, Scalar::ZERO, &[(-c, c_bar)]) != *p.t1.point() {
            return fail(ShuffleCheck::CommitmentSum);
        }
        // t₂ = −c·(ĉ_N − (Π uⱼ)·h) + s₂·G
        let u_product: Scalar = self.u.iter().product();
        let chain_end = *p.chain[n - 1].point() - u_product * self.gens[0];
        if st.key.vartime_combination(p.s2, Scalar::ZERO, &[(-c, chain_end)]) != *p.t2.point() {
            return fail(ShuffleCheck::ChainEnd);
        }
        // t₃ = −c·Σ uⱼ·cⱼ + s₃·G + Σ s'ᵢ·hᵢ
        let c_tilde = msm(&self.u, &mut p.commitments.iter().map(|e| *e.point()));
        let h_s = msm(&p.s_prime, &mut self.gens[1..].iter().copied());
        if st.key.vartime_combination(p.s3, Scalar::ZERO, &[(-c, c_tilde), (Scalar::ONE, h_s)]) != *p.t3.point() {
            return fail(ShuffleCheck::PermutationChallenge);
        }
        // t₄,A,l = −c·Σ uⱼ·Aⱼ,l − s₄,l·G + Σ s'ᵢ·Ãᵢ,l, and likewise on B with Y.
        for l in 0..self.width {
            let a_in = msm(&self.u, &mut st.input.iter().map(|row| *row[l].a.point()));
            let b_in = msm(&self.u, &mut st.input.iter().map(|row| *row[l].b.point()));
            let a_out = msm(&p.s_prime, &mut st.output.iter().map(|row| *row[l].a.point()));
            let b_out = msm(&p.s_prime, &mut st.output.iter().map(|row| *row[l].b.point()));
            let ta = st.key.vartime_combination(-p.s4[l], Scalar::ZERO, &[(-c, a_in), (Scalar::ONE, a_out)]);
            let tb = st.key.vartime_combination(Scalar::ZERO, -p.s4[l], &[(-c, b_in), (Scalar::ONE, b_out)]);
            if ta != *p.t4[l].0.point() || tb != *p.t4[l].1.point() {
                return fail(ShuffleCheck::ReEncryption { component: l as u32 });
            }
        }
        // t̂ᵢ = −c·ĉᵢ + ŝᵢ·G + s'ᵢ·ĉᵢ₋₁
        for i in 0..n {
            let link = st.key.vartime_combination(
                p.s_hat[i],
                Scalar::ZERO,
                &[(-c, *p.chain[i].point()), (p.s_prime[i], self.chain_before(i))],
            );
            if link != *p.t_hat[i].point() {
                return fail(ShuffleCheck::ChainLink { index: i as u32 + 1 });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
