#include "perf/inference.h"

#include "base/check.h"
#include "perf/inference_plan.h"
#include "perf/layout_rules.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

namespace xpu {
namespace {

double dbl(int v) { return static_cast<double>(v); }

// Tokens one target step emits per sequence (speculative decoding: the mean
// accepted length, bonus token included).
double emitted(const InferenceContext& c) { return c.job.spec.enabled() ? c.job.spec.accept : 1.0; }

// Steady-state iteration with `batch` sequences decoding: each iteration also
// prefills the prompts of the requests that replace the ones finishing.
// `plan`: the layout's (perf/inference_plan.h), where the caller keeps one.
StepTime steady_step(const InferenceContext& c, const ServingLayout& l, double batch, double extra_prompts = 0,
                     const StepPlan* plan = nullptr) {
  const ServingJob& j = c.job;
  const double prompts = batch * emitted(c) / j.output_len + extra_prompts;
  if (plan) return mixed_step(c, l, *plan, batch, inflight_context(j), prompts * j.input_len, j.input_len);
  return mixed_step(c, l, batch, inflight_context(j), prompts * j.input_len, j.input_len);
}

// The p99 request's step: one carrying tpot_p99_sigmas standard deviations
// more prompts than the mean (see serve_with's TPOT comment). A function of
// the batch alone, like the steady step.
StepTime tail_step(const InferenceContext& c, const ServingLayout& l, double batch, const StepPlan* plan = nullptr) {
  const ServingJob& j = c.job;
  const double n = batch * emitted(c) / j.output_len;
  const double extra = c.tpot_p99_sigmas * std::sqrt(n * (1.0 + j.input_cv * j.input_cv));
  return steady_step(c, l, batch, extra, plan);
}

// A prompt of `prompt` tokens prefilled in chunks, each riding an iteration
// with `batch` sequences decoding.
Seconds prompt_time(const InferenceContext& c, const ServingLayout& l, double batch, double prompt,
                    const StepPlan* plan = nullptr) {
  const double chunk = std::min(prompt, dbl(token_budget(c)));
  const double context = inflight_context(c.job);
  return (plan ? mixed_step(c, l, *plan, batch, context, chunk, prompt)
               : mixed_step(c, l, batch, context, chunk, prompt))
             .time *
         std::ceil(prompt / token_budget(c));
}

// The p99 prompt of lognormal lengths with mean input_len and spread input_cv
// (mu = ln(mean) - s^2/2; 2.326 is the standard normal's 99th percentile).
double prompt_p99(const ServingJob& j) {
  constexpr double kNormalZ99 = 2.326;
  const double s_in = std::sqrt(std::log(1.0 + j.input_cv * j.input_cv));
  return j.input_len * std::exp(kNormalZ99 * s_in - s_in * s_in / 2.0);
}

// Values by batch, open addressing on the batch's bits (a lookup costs a
// few ns, a step ~100 ns), growing x4 from `first` slots: a search with
// targets fills a layout's memo with thousands of steps, and each doubling
// rehashed them all (6% of a new question).
template <class V>
class BatchTable {
 public:
  explicit BatchTable(std::size_t first) : first_(first) {}
  // The value at `batch`, made by `make()` (which must not use this table)
  // the first time.
  template <class Make>
  const V& at(double batch, Make make) {
    const auto key = std::bit_cast<std::uint64_t>(batch);
    if (2 * (used_ + 1) > slots_.size()) grow();
    Slot* s = find(key);
    if (!s->used) {
      *s = {key, make(), true};
      ++used_;
    }
    return s->value;
  }

 private:
  struct Slot {
    std::uint64_t key = 0;
    V value{};
    bool used = false;
  };
  Slot* find(std::uint64_t key) {
    // Fibonacci hashing: the top bits of the product mix all of the key's
    // (a dyadic batch has a mantissa of few leading bits and zeros after).
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = (key * 0x9E3779B97F4A7C15ULL) >> shift_;; i = (i + 1) & mask) {
      if (!slots_[i].used || slots_[i].key == key) return &slots_[i];
    }
  }
  void grow() {
    std::vector<Slot> old(std::max(first_, 4 * slots_.size()));
    old.swap(slots_);
    shift_ = 64 - std::countr_zero(slots_.size());
    for (const Slot& s : old) {
      if (s.used) *find(s.key) = s;
    }
  }
  std::size_t first_;
  std::vector<Slot> slots_;
  std::size_t used_ = 0;
  int shift_ = 64;
};

// Steady-step times of one layout, kept while the search and
// serve_at_max_rate bisect on the rate: every serve() there solves Little's
// law by bisecting the batch over [0, cap], whose mid-points are exact dyadic
// fractions of cap (and of the other, power-of-two caps), so the same batch
// recurs bit for bit across rates and caps and its step time (independent of
// both) is looked up instead of recomputed. Open addressing on the batch's
// bits: a lookup costs a few ns, a step ~100 ns. The memory plan and the
// prefill bound depend on the layout alone. Every value is the very double
// the formula gives, so a serve() with the memo is bit-identical to one
// without.
class StepMemo {
 public:
  struct Steady {
    double time;
    Bound bound;
  };
  Steady steady(const InferenceContext& c, const ServingLayout& l, double batch) {
    return steps_.at(batch, [&] {
      const StepTime st = steady_step(c, l, batch, 0, &plan(c, l));
      return Steady{st.time.si(), st.bound};
    });
  }
  // The layout's step plan at the steady steps' context (perf/inference_plan.h).
  const StepPlan& plan(const InferenceContext& c, const ServingLayout& l) {
    if (!plan_) plan_ = plan_step(c, l, inflight_context(c.job));
    return *plan_;
  }
  const ServingMemory& memory(const InferenceContext& c, const ServingLayout& l) {
    if (!memory_) memory_ = serving_memory(c, l);
    return *memory_;
  }
  Bound prefill_bound(const InferenceContext& c, const ServingLayout& l) {
    if (!prefill_bound_) prefill_bound_ = first_prefill_bound(c, l);
    return *prefill_bound_;
  }
  static Bound first_prefill_bound(const InferenceContext& c, const ServingLayout& l) {
    const ServingJob& j = c.job;
    return prefill(c, l, std::min(j.input_len, dbl(token_budget(c))), j.input_len).bound;
  }

 private:
  BatchTable<Steady> steps_{1024};
  std::optional<ServingMemory> memory_;
  std::optional<Bound> prefill_bound_;
  std::optional<StepPlan> plan_;
};

// The steady step at `batch`, from `memo` when there is one.
StepMemo::Steady steady_at(const InferenceContext& c, const ServingLayout& l, double batch, StepMemo* memo) {
  if (memo) return memo->steady(c, l, batch);
  const StepTime st = steady_step(c, l, batch);
  return {st.time.si(), st.bound};
}

// Sequences a replica can keep decoding within its per-iteration token
// budget. TensorRT-LLM's max_num_tokens and vLLM's max_num_batched_tokens
// (token_budget: the run's, else the stack's prefill_chunk) bound the tokens of one iteration, a decoding
// sequence's query tokens included (TensorRT-LLM, "Tuning Max Batch Size and
// Max Num Tokens", nvidia.github.io/TensorRT-LLM/performance/
// performance-tuning-guide; vLLM "Optimization and Tuning", chunked prefill:
// decodes are scheduled first and prompts fill what is left of the budget,
// docs.vllm.ai; retrieved 2026-12-05), and each attention data-parallel rank
// (and each pipeline micro-batch) schedules its own. In a steady stream each
// step also prefills the prompts of the B a / O requests that replace the
// finishing ones, so B (q + a I / O) <= budget.
// Query tokens a decoding sequence puts in one iteration: 1, or the drafts
// and the bonus token under speculative decoding.
double query_tokens(const InferenceContext& c) { return c.job.spec.enabled() ? c.job.spec.tokens + 1.0 : 1.0; }
// The tokens one iteration of the replica carries: each attention
// data-parallel rank's and pipeline micro-batch's budget, summed.
double replica_token_budget(const InferenceContext& c, const ServingLayout& l) {
  return dbl(token_budget(c)) * std::max(1, l.attn_dp) * std::max(1, l.pp);
}
double token_budget_batch(const InferenceContext& c, const ServingLayout& l) {
  const ServingJob& j = c.job;
  return replica_token_budget(c, l) / (query_tokens(c) + emitted(c) * j.input_len / j.output_len);
}

// The batch cap of a replica holding `max_sequences` (batch_cap 0: none),
// within its token budget (token_budget_batch).
double effective_cap(const InferenceContext& c, const ServingLayout& l, int batch_cap, int max_sequences) {
  const double held = batch_cap > 0 ? std::min(batch_cap, max_sequences) : max_sequences;
  return std::max(1.0, std::min(held, std::floor(token_budget_batch(c, l))));
}

// The steady-state batch at `rate` under `cap` (Little's law: B = rate *
// output_len * TPOT(B), TPOT = step / emitted; f(B) - B is increasing in
// rate, solved by bisection on [0, cap]); nullopt when even `cap` sequences
// cannot keep up with the rate (f(cap) > 0). keeps_up is that first test
// alone (the same expression as little_batch's f, so the same verdict).
bool keeps_up(const InferenceContext& c, const ServingLayout& l, double rate, double cap, StepMemo* memo) {
  const double a = emitted(c);
  return !(rate * c.job.output_len * steady_at(c, l, cap, memo).time / a - cap > 0);
}
std::optional<double> little_batch(const InferenceContext& c, const ServingLayout& l, double rate, double cap,
                                   StepMemo* memo) {
  const double a = emitted(c);
  auto f = [&](double b) { return rate * c.job.output_len * steady_at(c, l, b, memo).time / a - b; };
  if (!keeps_up(c, l, rate, cap, memo)) return std::nullopt;
  double lo = 0, hi = cap;
  for (int it = 0; it < 30; ++it) {
    const double mid = 0.5 * (lo + hi);
    (f(mid) > 0 ? lo : hi) = mid;
  }
  return std::max(hi, 1e-9);
}

// Probability that an arrival waits in an M/M/c queue of `c` servers at
// offered load `a` < c (Erlang C). Exact through the Erlang B recursion below
// 64 servers; from there the Halfin-Whitt limit (Halfin & Whitt,
// "Heavy-traffic limits for queues with many exponential servers", Operations
// Research 29(3), 1981): C = 1 / (1 + beta Phi(beta) / phi(beta)),
// beta = (c - a) / sqrt(a).
double erlang_c(double c, double a) {
  if (!(a > 0)) return 0.0;
  if (a >= c) return 1.0;
  // The search asks this at every rate probe: the recursion costs c steps,
  // the limit a few (the p99 wait takes its logarithm, so the limit's few
  // percent at 64 servers move the wait by less).
  if (c < 64) {
    const int n = static_cast<int>(std::floor(c));
    double b = 1.0;  // Erlang B with 0 servers
    for (int k = 1; k <= n; ++k) b = a * b / (k + a * b);
    return b / (1.0 - (a / n) * (1.0 - b));
  }
  const double beta = (c - a) / std::sqrt(a);
  const double pdf = std::exp(-beta * beta / 2.0) / std::sqrt(2.0 * std::numbers::pi);
  const double cdf = 0.5 * std::erfc(-beta / std::sqrt(2.0));
  return 1.0 / (1.0 + beta * cdf / pdf);
}

// The p99 wait for a batch slot. A replica holds at most `cap` sequences and
// each keeps its slot for its whole decode (O / emitted steps), so admission
// is a queue with cap servers, not one: with Poisson arrivals and `batch`
// slots busy on average (Little's law), an arrival waits with the Erlang C
// probability, and then for the first of cap - batch spare completions at
// rate (cap - batch) / S, S the mean slot holding time: P(W > t) = C
// exp(-(cap - batch) t / S). Decode lives are not exponential: the
// Allen-Cunneen approximation scales the M/M/c wait by (1 + cv_S^2) / 2
// (Whitt, "Approximations for the GI/G/m queue", Production and Operations
// Management 2(2), 1993), with cv_S the spread of the output lengths.
Seconds slot_wait_p99(const InferenceContext& c, Seconds step, double batch, double cap) {
  const double n = std::max(1.0, std::floor(cap));
  const double a = std::min(batch, n * (1.0 - 1e-9));
  const double waits = erlang_c(n, a);
  if (!(waits > 0.01)) return Seconds(0);  // at most 1% of arrivals wait: the p99 request does not
  const double hold_steps = c.job.output_len / emitted(c);
  const double variability = (1.0 + c.job.output_cv * c.job.output_cv) / 2.0;
  return step * (hold_steps / (n - a) * std::log(100.0 * waits) * variability);
}

}  // namespace

// The prompts' queue for the token budget (issue 11, accttft). Under chunked
// prefill with a per-iteration token budget (token_budget_batch) the decodes
// are scheduled first and the prompts share what is left, first come first
// served (TensorRT-LLM's context_chunking_policy first_come_first_served in
// NVIDIA's MLPerf Inference v5.1 configs, closed/NVIDIA/configs/*/{Server,
// Interactive}/*.py, github.com/mlcommons/inference_results_v5.1, read
// 2026-12-06; vLLM's scheduler likewise, docs.vllm.ai "Optimization and
// Tuning"). Each attention data-parallel rank is one server that works off
// (budget - B q) / dp prompt tokens a step (budget: the replica's tokens,
// every rank's and pipeline micro-batch's summed), and Poisson arrivals bring
// prompts of I tokens of spread cv_I: an M/G/1 queue in tokens, time counted
// in steps, with arrivals lambda = B a / (O dp) per step, service S = I /
// leftover steps (cv_S = cv_I) and utilisation rho = B a I / O / (budget -
// B q), which reaches 1 at token_budget_batch, where effective_cap
// puts the batch cap. Its mean wait is the Pollaczek-Khinchine formula E[W] =
// rho E[S] (1 + cv_S^2) / (2 (1 - rho)) (L. Kleinrock, Queueing Systems,
// Volume 1, Wiley 1975, section 5.5), and a wait is about exponential given
// that it is positive, with P(W > 0) = rho and mean E[W] / rho (J. F. C.
// Kingman, "On queues in heavy traffic", J. Royal Statistical Society B
// 24(2), 1962; the conditional-delay form of W. Whitt, "Approximations for
// the GI/G/m queue", Production and Operations Management 2(2), 1993):
// P(W > t) = rho exp(-rho t / E[W]), so the p99 is E[W] / rho ln(100 rho)
// where rho > 1%, and none below. Both grow with the batch (rho and E[S] do)
// and are in steps (the caller multiplies by the step). The utilisation is
// held below 1 - 1e-9, as slot_wait_p99 holds its load: the batch is at most
// the cap <= token_budget_batch, so rho <= 1. Each operation below is a
// product, quotient or difference of positive terms monotone in B in the same
// direction, and rounding is monotone, so the computed waits are
// non-decreasing in B exactly, not only within rounding of the formula (the
// bracket's argument before kMonotoneSlack).
PrefillQueue prefill_queue(const InferenceContext& c, const ServingLayout& l, double batch) {
  const ServingJob& j = c.job;
  PrefillQueue w;
  if (!(batch > 0) || !(j.input_len > 0)) return w;
  const double dp = std::max(1, l.attn_dp);
  // The replica's budget, as token_budget_batch counts it, so that rho
  // reaches 1 (to rounding; it is held below) where that puts the cap.
  const double leftover =
      std::max((replica_token_budget(c, l) - batch * query_tokens(c)) / dp, 1e-9);  // per rank, step
  const double arrivals = batch * emitted(c) / (j.output_len * dp);                 // prompts per step, per rank
  const double service = j.input_len / leftover;                                    // steps per prompt
  const double spread = (1.0 + j.input_cv * j.input_cv) / 2.0;
  w.rho = std::min(arrivals * service, 1.0 - 1e-9);
  const double conditional = service * spread / (1.0 - w.rho);  // E[W] / rho
  w.mean = w.rho * conditional;
  if (w.rho > 0.01) w.p99 = conditional * std::log(100.0 * w.rho);
  return w;
}

namespace {

// The p99 TTFT at a rate (see serve_with): a whole iteration, the p99
// prompt, the p99 wait for a batch slot (slot_wait_p99) and for the token
// budget (prefill_queue), added as the other p99 terms are.
Seconds ttft_p99_at_rate(const InferenceContext& c, const ServingLayout& l, Seconds step, Seconds prompt99,
                         double batch, double cap) {
  return step + prompt99 + slot_wait_p99(c, step, batch, cap) + step * prefill_queue(c, l, batch).p99;
}

// The latency part of serve_with's meets_slo at Little's-law batch `batch`
// (cap `cap`): what meets_at asks once it has the batch. `bound`: try the
// cheap necessary conditions first (false: the exhaustive baseline).
bool latency_met(const InferenceContext& c, const ServingLayout& l, double batch, const ServingSlo& slo, double cap,
                 StepMemo& memo, bool bound) {
  const bool tpot = slo.tpot.si() > 0, ttft = slo.ttft.si() > 0;
  if (!tpot && !ttft) return true;
  const Seconds step(memo.steady(c, l, batch).time);
  const double a = emitted(c);
  // The steady step alone first (memoised): the p99 TPOT is at least step / a
  // (a max with the tail step) and the p99 TTFT at least its value with a
  // prompt of no time (a sum with the prompt's, and floating-point addition
  // is monotone), so a probe that fails on the step needs neither the tail
  // step nor the prompt, the two costly parts of a verdict.
  if (bound && tpot && step / a > slo.tpot) return false;
  if (bound && ttft && ttft_p99_at_rate(c, l, step, Seconds(0), batch, cap) > slo.ttft) return false;
  const StepPlan* plan = &memo.plan(c, l);
  if (tpot && std::max(step, tail_step(c, l, batch, plan).time) / a > slo.tpot) return false;
  if (!ttft) return true;
  const Seconds prompt99 = prompt_time(c, l, batch, prompt_p99(c.job), plan);
  XPU_CHECK(prompt99.si() >= 0);  // the bound above needs it
  return !(ttft_p99_at_rate(c, l, step, prompt99, batch, cap) > slo.ttft);
}

// serve_with's meets_slo at `rate`, without the fields no verdict reads (a
// replica whose weights fit): what serve_at_max_rate's bisection asks of
// each probe. The same formulas on the same memo, so the same verdict.
// `bound`: try the cheap necessary conditions first (false: the exhaustive
// baseline of search_serving's equality test).
// `batch_out`: the probe's Little's-law batch, where it computed one (else
// left alone).
bool meets_at(const InferenceContext& c, const ServingLayout& l, double rate, const ServingSlo& slo, double cap,
              StepMemo& memo, bool bound, double* batch_out = nullptr) {
  const bool tpot = slo.tpot.si() > 0, ttft = slo.ttft.si() > 0;
  // Without targets the verdict is little_batch's first test alone: its
  // 30-step bisection (a new step at most of them) would be thrown away.
  if (bound && !tpot && !ttft) return keeps_up(c, l, rate, cap, &memo);
  const std::optional<double> batch = little_batch(c, l, rate, cap, &memo);
  if (!batch) return false;
  if (batch_out) *batch_out = *batch;
  return latency_met(c, l, *batch, slo, cap, memo, bound);
}

}  // namespace

bool step_monotone_in_batch(const InferenceContext& c, const ServingLayout& /*l*/) {
  return !(c.fabric.mesh_below.si() > 0) && !(c.fabric.rdh_below.si() > 0) && c.job.input_len >= 1 &&
         prompt_p99(c.job) >= 1;
}

bool step_star_shaped_in_batch(const InferenceContext& c, const ServingLayout& l) {
  return l.attn_dp <= 1 && step_monotone_in_batch(c, l);
}

BatchLatency latency_at_batch(const InferenceContext& c, const ServingLayout& l, double batch, double cap) {
  const Seconds step = steady_step(c, l, batch).time;
  const Seconds prompt99 = prompt_time(c, l, batch, prompt_p99(c.job));
  return {step, std::max(step, tail_step(c, l, batch).time) / emitted(c),
          ttft_p99_at_rate(c, l, step, prompt99, batch, cap)};
}

namespace {

// ---------------------------------------------------------------------------
// The step is non-decreasing in the batch (issue 14, coldinfer3), where
// step_monotone_in_batch says so. The serving search uses it to decide a
// probe's latency verdict without finishing its Little's-law bisection
// (meets_at_bracketed); this is the argument, term by term, for the
// iteration() of perf/inference_step.cpp as a function of the batch B (the
// decode sequences; the prompt tokens of the steady step, B a / O I, and of
// the tail step, (B a / O + s sqrt(B a / O (1 + cv^2))) I, grow with it; the
// prompt step's chunk does not depend on it), in real arithmetic:
//
// - Matmuls: time = flops / (peak * gemm_efficiency(rows)) with flops
//   proportional to the rows r and efficiency r / (r + h) times factors free
//   of B, so time is proportional to r + h: increasing. Routed experts:
//   compute busiest / eff(busiest / max(1, touched)) = busiest + h max(1,
//   touched), memory proportional to touched; busiest = mean + sqrt(mean k)
//   and touched = e (1 - (1 - 1/e)^draws) grow with the copies routed. The LM
//   head's rows are the decode queries x plus the prompts p, its efficiency
//   that of all rows x + p I: (x + p)(1 + h pp / (x + p I)) grows in B when
//   p / x does not (true of the three steps above: p / x is constant, falls
//   as 1 / sqrt(B), or p is constant) and the prompt length I >= 1. The
//   dense part is max(compute, weights read), a max of non-decreasing terms.
// - Attention: the KV read, the decode and prefill FLOPs, the KV writes and
//   the sparse indexer are linear in the queries and prompt tokens at a
//   context that does not depend on B (no attention DP: see below).
// - Element-wise work: linear in the tokens.
// - Communication: the all-reduce is a min of (latency + bytes / bandwidth)
//   forms (ring, NVLS, one-shot, two-shot), each non-decreasing in the bytes,
//   which are linear in the tokens; a pipeline's send/recv likewise.
// - Fixed kernel costs do not depend on B; the host's dispatch makes the step
//   max(device, dispatch) + step overhead. Speculative decoding adds draft
//   iterations of the same form.
// So every term is a sum, max or min of non-decreasing functions of B, and
// so are the p99 TPOT (max of the steady and tail steps over a) and the p99
// TTFT (step + prompt time + slot wait + prefill queue; Erlang C grows with
// the offered load min(B, n (1 - 1e-9)), and the wait is increasing in it and
// in the step; the prefill queue's utilisation and service time grow with B,
// its p99 with both, and it is proportional to the step).
//
// - Attention data parallelism: the busiest rank's prompts E[ceil(N / dp)]
//   I, N Poisson of mean n proportional to B, grow with n (a Poisson count
//   is stochastically increasing in its mean), and so do its LM-head rows
//   q / dp + E[ceil(N / dp)]; its decode reads (q / dp) ctx (1 + a /
//   sqrt(q / dp)) = ctx (q / dp + a sqrt(q / dp)) keys grow with q, and so
//   does q times any min(that context, a window). (Before busiest_rank_prefill
//   counted whole prompts, its ~n^2 below one prompt per step made the step
//   fall: coldinfer4.) The step is not star-shaped there, though: near n ~ dp
//   the slope of E[ceil(N / dp)] exceeds its mean slope (by up to 2.4% over a
//   2% rise of n at dp 64), so the step per sequence can rise with B, and the
//   cell skip below, which needs star-shaped steps, keeps out attention DP
//   (step_star_shaped_in_batch); the bracket, which needs only monotone
//   ones, takes it.
//
// Where the argument fails, and the search keeps the exact bisection:
// - the Neuron runtime's size-based collective algorithms (mesh_below,
//   rdh_below): a bigger message can switch to a faster algorithm (let in,
//   llama3.1-8b tp8 on trn2's step falls from 0.154 to 0.133 s between
//   batches 276 and 343);
// - prompts shorter than one token (the LM head's term needs I >= 1).
//
// Floating point: the computed quantities are within a relative 1e-12 of the
// real-valued formula above (sums, products and maxima of positive terms,
// each operation within 2^-53, a few hundred of them on any path; the one
// cancellation, 1 - (1 - 1/e)^draws in the experts touched, has an absolute
// error of e 2^-53 experts, i.e. of the whole expert weights' read time
// times 2^-53, below 1e-13 of a step that reads the non-expert weights; the
// p99 wait's log(100 C) near 0 is absolute too, and small next to the step).
// So a verdict is decided from a neighbouring batch only with a margin of
// kMonotoneSlack = 1e-9 of the target: Q(b) <= target (1 - slack) at b >= B
// means Q(B) <= target exactly; Q(b) > target (1 + slack) at b < B means
// Q(B) > target. In between the probe finishes its bisection and decides
// exactly. Inference.StepIsNonDecreasingInTheBatch checks the property (at a
// slack of 1e-12) over random models, accelerators, layouts, lengths and
// batches; Inference.BracketedVerdictsEqualExact* that the search's answers
// do not change.
constexpr double kMonotoneSlack = 1e-9;

enum class Latency : std::int8_t { unknown, meets, fails };

// latency_met with the margin kMonotoneSlack: meets or fails are sure of
// every batch below (meets) or above (fails) `batch` (unknown: too close).
Latency latency_bracket(const InferenceContext& c, const ServingLayout& l, double batch, const ServingSlo& slo,
                        double cap, StepMemo& memo) {
  const bool tpot = slo.tpot.si() > 0, ttft = slo.ttft.si() > 0;
  const Seconds step(memo.steady(c, l, batch).time);
  const double a = emitted(c);
  const Seconds tpot_hi = slo.tpot * (1.0 + kMonotoneSlack), ttft_hi = slo.ttft * (1.0 + kMonotoneSlack);
  // The cheap lower bounds of latency_met first.
  if (tpot && step / a > tpot_hi) return Latency::fails;
  if (ttft && ttft_p99_at_rate(c, l, step, Seconds(0), batch, cap) > ttft_hi) return Latency::fails;
  const StepPlan* plan = &memo.plan(c, l);
  bool sure = true;
  if (tpot) {
    const Seconds t = std::max(step, tail_step(c, l, batch, plan).time) / a;
    if (t > tpot_hi) return Latency::fails;
    sure = t <= slo.tpot * (1.0 - kMonotoneSlack);
  }
  if (ttft) {
    const Seconds t = ttft_p99_at_rate(c, l, step, prompt_time(c, l, batch, prompt_p99(c.job), plan), batch, cap);
    if (t > ttft_hi) return Latency::fails;
    sure = sure && t <= slo.ttft * (1.0 - kMonotoneSlack);
  }
  return sure ? Latency::meets : Latency::unknown;
}

// latency_bracket's verdicts of one max-rate search (one layout and cap),
// by batch: the probes' bisections walk the same dyadic batches.
// The verdicts of one max-rate search, by batch.
class LatencyCache {
 public:
  Latency at(const InferenceContext& c, const ServingLayout& l, double batch, const ServingSlo& slo, double cap,
             StepMemo& memo) {
    return known_.at(batch, [&] { return latency_bracket(c, l, batch, slo, cap, memo); });
  }

 private:
  BatchTable<Latency> known_{128};
};

// meets_at (bound, with targets) for a layout whose step is non-decreasing
// in the batch: the same verdict, decided where it can be before the
// Little's-law bisection ends. The bisection keeps B in (lo, hi] (B =
// max(hi at the end, 1e-9)); once a batch b >= B with b >= 1e-9 surely
// meets the targets, B does; once a batch b < B surely fails them, B does.
// The probes of one max-rate search converge on one batch, so their walks
// share their nodes (`known`) and stop where they leave the common path.
// `positive`: the batch is known to be above little_batch's 1e-9 floor.
bool meets_at_bracketed(const InferenceContext& c, const ServingLayout& l, double rate, const ServingSlo& slo,
                        double cap, StepMemo& memo, LatencyCache& known, bool* positive) {
  *positive = false;
  if (!keeps_up(c, l, rate, cap, &memo)) return false;
  const double a = emitted(c);
  // The smallest batch the bisection can end on is cap / 2^30: above 1e-9 from cap 2 on.
  if (known.at(c, l, cap, slo, cap, memo) == Latency::meets) {
    *positive = cap >= 2;
    return true;
  }
  double lo = 0, hi = cap;
  for (int it = 0; it < 30; ++it) {
    const double mid = 0.5 * (lo + hi);
    if (rate * c.job.output_len * memo.steady(c, l, mid).time / a - mid > 0) {
      lo = mid;
      if (known.at(c, l, mid, slo, cap, memo) == Latency::fails) return false;
    } else {
      hi = mid;
      if (mid >= 1e-9 && known.at(c, l, mid, slo, cap, memo) == Latency::meets) {
        *positive = cap >= 2 || lo > 0;
        return true;
      }
    }
  }
  const double batch = std::max(hi, 1e-9);
  *positive = batch > 1e-9;
  return latency_met(c, l, batch, slo, cap, memo, true);
}

// serve() with the steps of `memo` (none: computed afresh).
ServingEstimate serve_with(const InferenceContext& c, const ServingLayout& l, std::optional<double> rate,
                           const ServingSlo& slo, int batch_cap, StepMemo* memo);

}  // namespace

std::string to_string(const ServingLayout& l) {
  std::string s = "tp" + std::to_string(l.tp);
  if (l.pp > 1) s += " pp" + std::to_string(l.pp);
  if (l.ep > 1) s += " ep" + std::to_string(l.ep);
  if (l.attn_dp > 1) s += " attn-dp" + std::to_string(l.attn_dp);
  return s;
}

ServingEstimate serve(const InferenceContext& c, const ServingLayout& l, std::optional<double> rate,
                      const ServingSlo& slo, int batch_cap) {
  return serve_with(c, l, rate, slo, batch_cap, nullptr);
}

namespace {

ServingEstimate serve_with(const InferenceContext& c, const ServingLayout& l, std::optional<double> rate,
                           const ServingSlo& slo, int batch_cap, StepMemo* memo) {
  ServingEstimate e;
  e.layout = l;
  e.memory = memo ? memo->memory(c, l) : serving_memory(c, l);
  const ServingJob& j = c.job;
  if (e.memory.max_sequences < 1) {
    e.meets_slo = false;
    e.binding = "memory";
    return e;
  }
  const double a = emitted(c);
  const double cap = effective_cap(c, l, batch_cap, e.memory.max_sequences);
  double batch = cap;
  if (rate) {
    if (const std::optional<double> b = little_batch(c, l, *rate, cap, memo)) {
      batch = *b;
    } else {
      e.meets_slo = false;
      e.binding = "throughput";
    }
  }
  const StepMemo::Steady st = steady_at(c, l, batch, memo);
  const Seconds step(st.time);
  e.batch = static_cast<int>(std::ceil(batch - 1e-9));
  e.tpot_p50 = step / a;
  // TPOT is per request (MLPerf and serving benchmarks: (e2e - TTFT) / (out - 1)),
  // so a request's TPOT averages the steps it lives through. Slow requests
  // are those whose steps carried more prompts: prompts per step are Poisson
  // (mean n) with lengths of spread cv_I, so one step's prompt load has a
  // standard deviation of sqrt(n (1 + cv_I^2)) prompts; the p99 request sits
  // tpot_p99_sigmas of them above the mean (few-step requests set the tail;
  // tail_step).
  const StepPlan* plan = memo ? &memo->plan(c, l) : nullptr;
  e.tpot_p99 = std::max(step, tail_step(c, l, batch, plan).time) / a;
  // TTFT: wait for the iteration in flight, then the prompt's chunks, each
  // riding an iteration with the batch decoding. The p99 request has a p99
  // prompt (lognormal lengths of spread cv_I), waits a whole iteration, and
  // queues for a batch slot when the batch nears its cap (slot_wait_p99: a
  // queue of cap slots, each held for a request's decode) and for the token
  // budget's leftover (prefill_queue; its mean wait goes in the p50).
  const Seconds prompt50 = prompt_time(c, l, batch, j.input_len, plan);
  e.ttft_p50 = step * 0.5 + prompt50;
  if (rate) {
    e.ttft_p50 += step * prefill_queue(c, l, batch).mean;
    e.ttft_p99 = ttft_p99_at_rate(c, l, step, prompt_time(c, l, batch, prompt_p99(j), plan), batch, cap);
  } else {
    e.ttft_p99 = e.ttft_p50 + prompt50 * (batch / j.output_len);  // offline: prompts queue in bulk
  }
  e.e2e_p50 = e.ttft_p50 + e.tpot_p50 * std::max(0.0, j.output_len - 1.0);
  e.output_tokens_per_s = batch * a / step.si();
  e.requests_per_s = e.output_tokens_per_s / j.output_len;
  e.output_tokens_per_s_per_chip = e.output_tokens_per_s / l.chips();
  e.tokens_per_s_per_user = 1.0 / e.tpot_p50.si();
  e.prefill_bound = memo ? memo->prefill_bound(c, l) : StepMemo::first_prefill_bound(c, l);
  e.decode_bound = st.bound;
  if (e.meets_slo) {
    if (slo.tpot.si() > 0 && e.tpot_p99 > slo.tpot) {
      e.meets_slo = false;
      e.binding = "tpot";
    } else if (slo.ttft.si() > 0 && e.ttft_p99 > slo.ttft) {
      e.meets_slo = false;
      e.binding = "ttft";
    }
  }
  return e;
}

}  // namespace

int token_budget(const InferenceContext& c) { return c.max_num_tokens > 0 ? c.max_num_tokens : c.stack->prefill_chunk; }

ServingEstimate run_batch(const InferenceContext& c, const ServingLayout& l, int batch) {
  ServingEstimate e;
  e.layout = l;
  e.memory = serving_memory(c, l);
  const ServingJob& j = c.job;
  e.batch = batch;
  if (e.memory.max_sequences < batch) {
    e.meets_slo = false;
    e.binding = "memory";
  }
  // All prompts first (in chunks of the prefill budget), then the decode
  // steps, whose context grows from I to I + O (mean I + O/2).
  const StepTime dec = decode_step(c, l, batch, j.input_len + j.output_len / 2.0);
  e.tpot_p50 = e.tpot_p99 = dec.time / emitted(c);
  e.decode_bound = dec.bound;
  if (c.stack->serial_prefill && batch > 1) {
    // One prompt per iteration, decodes held back while prompts wait
    // (vLLM-Neuron's NeuronScheduler: max_prefills_per_batch = 1 and prefill
    // priority, vllm-neuron/docs/design/vllm/neuron-scheduler.md; "prefill and
    // decode always run in separate batches on Neuron", features-guide.md;
    // aws-neuron/aws-neuron-sdk at 81ce03a, read 2026-12-06). Request i of the
    // batch emits its first token after i prefills and its decode starts after
    // all B, so (B - i) prefills fall inside its TPOT window: the median
    // request sees (B - 1) / 2 of them, the slowest B - 1 (O - 1 tokens each).
    const double chunks = std::max(1.0, std::ceil(j.input_len / dbl(token_budget(c))));
    const StepTime pf = prefill(c, l, j.input_len / chunks, j.input_len);
    const Seconds one = pf.time * chunks;
    const double b = dbl(batch);
    e.ttft_p50 = one * ((b + 1.0) / 2.0);
    e.ttft_p99 = one * b;
    e.prefill_bound = pf.bound;
    if (j.output_len > 1) {
      e.tpot_p50 += one * ((b - 1.0) / 2.0 / (j.output_len - 1.0));
      e.tpot_p99 += one * ((b - 1.0) / (j.output_len - 1.0));
    }
  } else {
    const double prompt_tokens = batch * j.input_len;
    const double chunks = std::max(1.0, std::ceil(prompt_tokens / std::max(dbl(token_budget(c)), j.input_len)));
    const StepTime pf = prefill(c, l, prompt_tokens / chunks, j.input_len);
    e.ttft_p50 = e.ttft_p99 = pf.time * chunks;
    e.prefill_bound = pf.bound;
  }
  e.e2e_p50 = e.ttft_p50 + e.tpot_p50 * std::max(0.0, j.output_len - 1.0);
  e.output_tokens_per_s = batch * j.output_len / e.e2e_p50.si();
  e.requests_per_s = batch / e.e2e_p50.si();
  e.output_tokens_per_s_per_chip = e.output_tokens_per_s / l.chips();
  e.tokens_per_s_per_user = 1.0 / e.tpot_p50.si();
  return e;
}

namespace {

// serve_at_max_rate given `top_rate`, the requests/s of the layout's serve()
// without a rate or SLOs at `cap` (the bisection's upper end), for a layout
// whose weights fit. The bisection asks only for verdicts (meets_at); the
// estimate is built once, at the highest rate that met them: the same
// serve_with the probe stood for, so the same estimate.
//
// `enough` > 0 (the search's rate): stop at the first probe that meets the
// targets at a rate >= enough with a batch above little_batch's 1e-9 floor,
// and return `one_replica` instead of the estimate. One replica then carries
// `enough`, i.e. the search's ceil(enough / requests_per_s - 1e-9) would be 1:
// the bisection's lo only rises, so the last rate met, r*, is >= the probe's;
// the Little's-law batch B at r* is >= the probe's (f(B) is non-decreasing in
// the rate operation by operation, so a higher rate's batch bisection turns
// right wherever a lower one's does), so B is the bisection's own end, where
// fl(fl(fl(r* O) step) / a) - B <= 0; hence requests_per_s =
// fl(fl(fl(B a) / step) / O) >= r* (1 - 2^-53)^6 and enough / requests_per_s
// <= 1 + 1e-15, which the 1e-9 takes below 1 (Inference.*OneReplica* check it).
struct MaxRate {
  std::optional<ServingEstimate> estimate;  // at the highest rate met (none: no rate met)
  bool one_replica = false;                 // stopped early: a rate >= enough was met (no estimate)
};
MaxRate max_rate_from(const InferenceContext& c, const ServingLayout& l, const ServingSlo& slo, int cap,
                      double top_rate, StepMemo& memo, bool bound = true, double enough = 0) {
  const double capd = effective_cap(c, l, cap, memo.memory(c, l).max_sequences);
  double hi = top_rate;
  double lo = 0;
  std::optional<double> best;
  // With targets and a step non-decreasing in the batch, each probe's verdict
  // is bracketed (meets_at_bracketed): the same verdicts, fewer steps.
  const bool bracket = bound && (slo.tpot.si() > 0 || slo.ttft.si() > 0) && step_monotone_in_batch(c, l);
  LatencyCache known;
  for (int it = 0; it < 30 && hi > 0; ++it) {
    const double mid = 0.5 * (lo + hi);
    double batch = 0;
    bool positive = false;
    const bool met = bracket ? meets_at_bracketed(c, l, mid, slo, capd, memo, known, &positive)
                             : meets_at(c, l, mid, slo, capd, memo, bound, &batch);
    if (!bracket) positive = batch > 1e-9;
    if (met) {
      if (enough > 0 && mid >= enough && positive) return {std::nullopt, true};
      lo = mid;
      best = mid;
    } else {
      hi = mid;
    }
  }
  if (!best) return {};
  return {serve_with(c, l, *best, slo, cap, &memo), false};
}

// serve_with without a rate or SLOs, as far as the search's Pareto filter
// and max-rate bound read it (the same expressions): at the cap.
struct TopPoint {
  Seconds tpot_p50;
  double requests_per_s = 0;
  double output_tokens_per_s_per_chip = 0;
};
TopPoint top_point(const InferenceContext& c, const ServingLayout& l, double cap, StepMemo& memo) {
  const Seconds step(memo.steady(c, l, cap).time);
  const double a = emitted(c);
  const double tokens_per_s = cap * a / step.si();
  return {step / a, tokens_per_s / c.job.output_len, tokens_per_s / l.chips()};
}

}  // namespace

std::optional<ServingEstimate> serve_at_max_rate(const InferenceContext& c, const ServingLayout& l,
                                                 const ServingSlo& slo, int cap) {
  StepMemo memo;
  const int fit = memo.memory(c, l).max_sequences;
  if (fit < 1) return std::nullopt;
  return max_rate_from(c, l, slo, cap, top_point(c, l, effective_cap(c, l, cap, fit), memo).requests_per_s, memo)
      .estimate;
}

std::vector<ServingLayout> serving_layouts(const InferenceContext& c, int max_chips) {
  const ModelArch& m = *c.model;
  const int domain = std::max(1, c.fabric.domain);
  const int limit = max_chips > 0 ? std::min(max_chips, domain) : domain;
  const bool switched =
      c.fabric.topology == TopologyKind::switched || c.fabric.topology == TopologyKind::fully_connected;
  std::vector<ServingLayout> layouts;
  // Tensor parallelism inside one domain; for MoE also experts spread over the
  // tensor-parallel ranks, and attention data parallelism with them (each
  // rank runs attention for its own sequences, the experts over all ranks:
  // the "attention DP + EP" layout of SGLang, vLLM and TensorRT-LLM).
  int widest = 1;
  for (int tp = 1; tp <= std::min(limit, 64); tp *= 2) {
    if (m.n_heads % tp != 0 || (switched && domain % tp != 0)) continue;
    widest = tp;
    layouts.push_back({tp, 1, 1, 1});
    if (m.is_moe() && tp > 1 && m.moe.experts % tp == 0) {
      layouts.push_back({tp, 1, tp, 1});
      layouts.push_back({tp, 1, tp, tp});
    }
  }
  // Wide expert parallelism with data-parallel attention across a large
  // domain (NVL72, a TPU slice): attention needs no head split then, so the
  // group need not divide the heads or the domain.
  if (m.is_moe()) {
    for (int ep = 16; ep <= std::min(limit, 128); ep *= 2) {
      if (ep > widest && m.moe.experts % ep == 0) layouts.push_back({ep, 1, ep, ep});
    }
  }
  // A ring or torus domain that is not a power of two (inf2.48xlarge: 12
  // chips) is used whole, as Neuron does with tp 24 cores: query heads are
  // padded to a multiple of tp and KV heads replicated (kv_split), which the
  // per-chip shares approximate without the padding.
  if (!switched && limit <= 32 && (limit & (limit - 1)) != 0 && limit > widest) {
    widest = limit;
    layouts.push_back({limit, 1, 1, 1});
  }
  if (serving_memory(c, {widest, 1, 1, 1}).max_sequences < 1 && max_chips == 0) {
    for (int pp = 2; pp <= 16 && pp <= m.layers; pp *= 2) {
      layouts.push_back({widest, pp, 1, 1});
      if (m.is_moe() && m.moe.experts % widest == 0) layouts.push_back({widest, pp, widest, 1});
    }
  }
  return layouts;
}

namespace {

// The steps of each layout are memoised in `memos` (one per layout), for the
// rate pass that follows in the same call.
ServingTable table_with(const InferenceContext& c, const ServingSlo& slo, bool prune, std::vector<StepMemo>& memos) {
  ServingTable t;
  t.slo = slo;
  t.prune = prune;
  t.layouts = serving_layouts(c);
  memos.resize(t.layouts.size());
  const int caps[] = {0, 512, 256, 128, 64, 32, 16, 8, 4, 2, 1};
  for (size_t li = 0; li < t.layouts.size(); ++li) {
    const ServingLayout& l = t.layouts[li];
    StepMemo& memo = memos[li];  // a step depends on the layout and batch, not on the cap
    const int fit = memo.memory(c, l).max_sequences;
    // Batch caps are per attention group: each data-parallel rank batches its own sequences.
    for (int group_cap : caps) {
      const int cap = group_cap * std::max(1, l.attn_dp);
      ++t.evaluated;
      if (fit < 1) break;
      if (cap > 0 && cap > fit) continue;
      // Pareto: keep layouts/caps not dominated in (tokens/s/chip up, TPOT down);
      // the full estimate only for one that joins the front.
      const TopPoint top = top_point(c, l, effective_cap(c, l, cap, fit), memo);
      bool dominated = false;
      for (const auto& p : t.pareto) {
        if (p.output_tokens_per_s_per_chip >= top.output_tokens_per_s_per_chip && p.tpot_p50 <= top.tpot_p50) {
          dominated = true;
          break;
        }
      }
      if (!dominated) {
        std::erase_if(t.pareto, [&](const ServingEstimate& p) {
          return top.output_tokens_per_s_per_chip >= p.output_tokens_per_s_per_chip && top.tpot_p50 <= p.tpot_p50;
        });
        t.pareto.push_back(serve_with(c, l, std::nullopt, ServingSlo{}, cap, &memo));
      }
      t.evaluated += 30;  // the max-rate bisection's probes, counted whether run or pruned
      t.cells.push_back({static_cast<int>(li), cap, top.requests_per_s, std::nullopt, std::nullopt});
    }
  }
  std::sort(t.pareto.begin(), t.pareto.end(), [](const ServingEstimate& a, const ServingEstimate& b) {
    return a.output_tokens_per_s_per_chip > b.output_tokens_per_s_per_chip;
  });
  return t;
}

ServingSearch search_with(const InferenceContext& c, const ServingTable& t, double rate, ServingTable* fill,
                          std::vector<StepMemo>& memos) {
  ServingSearch out;
  out.pareto = t.pareto;
  out.evaluated = t.evaluated;
  const bool prune = t.prune;
  const ServingSlo& slo = t.slo;
  std::optional<ServingEstimate> nearest;
  for (size_t i = 0; i < t.cells.size(); ++i) {
    const ServingCell& cell = t.cells[i];
    const ServingLayout& l = t.layouts[static_cast<size_t>(cell.layout)];
    StepMemo& memo = memos[static_cast<size_t>(cell.layout)];
    const int cap = cell.cap;
    // Fewest chips for the rate within the SLOs. Once a best exists, a
    // replica wider than its whole deployment cannot win (replicas >= 1),
    // and `closest` and `over_chip_limit` are read only when none exists.
    const int best_chips = out.best ? out.replicas * out.best->layout.chips() : 0;
    if (prune && out.best && l.chips() > best_chips) continue;
    // Pruned, the max-rate bisection stops once a probe shows that one
    // replica carries the rate (max_rate_from's `enough`): the estimate at
    // the max rate is then read by `densest` alone, which the search drops
    // when it has a best (below), and a best it has (replicas 1 is in range).
    const bool one_in_range = !(1.0 * l.chips() > static_cast<double>(kMaxChipsSized));
    // A replica of this cell serves at most its cap's rate (top_rate), where
    // its steady step per sequence is non-increasing in the batch (see the
    // argument before kMonotoneSlack: every term is star-shaped, t(x B) >=
    // x t(B) for x <= 1, as affine terms with a non-negative intercept,
    // concave terms from 0, and their sums, maxima and minima are), so it
    // needs at least ceil(rate / top_rate - 1e-9) replicas: a cell that
    // would need more chips than the best has loses whatever its TPOT.
    if (prune && out.best && !cell.max_rate && step_star_shaped_in_batch(c, l)) {
      const double fewest = std::max(1.0, std::ceil(rate / (cell.top_rate * (1.0 + kMonotoneSlack)) - 1e-9));
      if (fewest * l.chips() > best_chips) continue;
    }
    std::optional<std::optional<ServingEstimate>> computed;
    bool one_replica = false;
    if (!cell.max_rate) {
      MaxRate m = max_rate_from(c, l, slo, cap, cell.top_rate, memo, prune, prune && one_in_range ? rate : 0.0);
      one_replica = m.one_replica;
      if (!one_replica) computed = std::move(m.estimate);
    }
    static const std::optional<ServingEstimate> kNone;
    const std::optional<ServingEstimate>& r = cell.max_rate ? *cell.max_rate : computed ? *computed : kNone;
    if (!r && !one_replica) {
      if (prune && out.best) continue;
      const ServingEstimate loose = cell.loose ? *cell.loose : serve_with(c, l, std::nullopt, slo, cap, &memo);
      if (!nearest || loose.tpot_p99 < nearest->tpot_p99) nearest = loose;
      if (fill && !cell.loose) fill->cells[i].loose = loose;
      if (fill && computed) fill->cells[i].max_rate = std::move(computed);
      continue;
    }
    if (r && (!out.densest || r->output_tokens_per_s_per_chip > out.densest->output_tokens_per_s_per_chip)) {
      out.densest = r;
    }
    // Counts past kMaxChipsSized are out of range (perf/layout_rules.h), never wrapped.
    const double need = one_replica ? 1.0 : std::max(1.0, std::ceil(rate / r->requests_per_s - 1e-9));
    const bool over = !(need * l.chips() <= static_cast<double>(kMaxChipsSized));
    const int replicas = over ? 0 : static_cast<int>(need);
    const int chips = replicas * l.chips();
    if (over) {
      out.over_chip_limit = true;
    } else if (!(prune && out.best && chips > best_chips)) {  // else it loses on chips whatever its TPOT
      ServingEstimate at = serve_with(c, l, rate / replicas, slo, cap, &memo);
      if (!out.best || chips < best_chips || (chips == best_chips && at.tpot_p50 < out.best->tpot_p50)) {
        out.best = at;
        out.replicas = replicas;
      }
    }
    if (fill && computed) fill->cells[i].max_rate = std::move(computed);
  }
  if (!out.best) out.closest = nearest;
  // Pruned, `densest` is read only without a best (it would otherwise depend
  // on which cells stopped early, i.e. on what a shared table held).
  if (prune && out.best) out.densest.reset();
  return out;
}

}  // namespace

ServingTable serving_table(const InferenceContext& c, const ServingSlo& slo, bool prune) {
  std::vector<StepMemo> memos;
  return table_with(c, slo, prune, memos);
}

ServingSearch search_serving(const InferenceContext& c, const ServingTable& table, double rate, ServingTable* fill) {
  std::vector<StepMemo> memos(table.layouts.size());
  return search_with(c, table, rate, fill, memos);
}

ServingSearch search_serving(const InferenceContext& c, double rate, const ServingSlo& slo, bool prune) {
  std::vector<StepMemo> memos;
  const ServingTable t = table_with(c, slo, prune, memos);
  return search_with(c, t, rate, nullptr, memos);
}

}  // namespace xpu
