//! CPU time as Linux accounts it (no `unsafe`): a whole process's, every thread's
//! living or ended, read from `/proc`; and the calling thread's, from its CPU clock.
//! CPU time, unlike wall time, is what a cast costs whatever else the machine runs.

use std::time::Duration;

/// `USER_HZ`: the unit of the times in `/proc/PID/stat`, 100 on every Linux
/// architecture this runs on (it is fixed in the kernel's ABI, whatever `HZ` is).
const USER_HZ: u64 = 100;

/// The CPU time (user + system) process `pid` has used so far, all its threads
/// (ended ones included); `None` off Linux or once the process is gone.
pub fn process(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: count the
    // fields after its closing one. utime and stime are fields 14 and 15.
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_ascii_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 1000 / USER_HZ))
}

/// The CPU time of each kind of thread of process `pid` so far, by name with any
/// trailing number taken off (`ballot-check-0` and `ballot-check-1` are one kind):
/// where a process's time goes. Threads that have ended are not counted.
pub fn threads(pid: u32) -> std::collections::BTreeMap<String, Duration> {
    let mut out = std::collections::BTreeMap::new();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else { return out };
    for task in tasks.flatten() {
        let Ok(stat) = std::fs::read_to_string(task.path().join("stat")) else { continue };
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else { continue };
        let name = stat[open + 1..close].trim_end_matches(|c: char| c.is_ascii_digit() || c == '-').to_owned();
        let mut fields = stat[close + 1..].split_ascii_whitespace().skip(11);
        let (Some(Ok(utime)), Some(Ok(stime))) =
            (fields.next().map(str::parse::<u64>), fields.next().map(str::parse::<u64>))
        else {
            continue;
        };
        *out.entry(name).or_default() += Duration::from_millis((utime + stime) * 1000 / USER_HZ);
    }
    out
}

/// The CPU time of this process so far.
pub fn this_process() -> Option<Duration> {
    process(std::process::id())
}

/// The CPU time the calling thread has used, to the nanosecond
/// (`CLOCK_THREAD_CPUTIME_ID`, which, unlike `/proc/thread-self/schedstat`, counts
/// the running slice up to now); `None` if the clock reads negative.
pub fn this_thread() -> Option<Duration> {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    let (secs, nanos) = (u64::try_from(t.tv_sec).ok()?, u32::try_from(t.tv_nsec).ok()?);
    Some(Duration::new(secs, nanos))
}

/// CPU time spent between two readings, per cast, in microseconds.
pub fn per_cast_us(before: Option<Duration>, after: Option<Duration>, casts: usize) -> Option<f64> {
    let spent = after?.checked_sub(before?)?;
    (casts > 0).then(|| spent.as_secs_f64() * 1e6 / casts as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_and_thread_count_work_done() {
        let (p0, t0) = (this_process().unwrap(), this_thread().unwrap());
        let mut x = 0u64;
        let start = std::time::Instant::now();
        while start.elapsed() < Duration::from_millis(200) {
            x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
        }
        let (p1, t1) = (this_process().unwrap(), this_thread().unwrap());
        assert!(t1 > t0, "thread time {t0:?} -> {t1:?}");
        assert!(p1 >= p0, "process time {p0:?} -> {p1:?}");
        assert!(process(u32::MAX).is_none());
        // This test's thread is one of this process's threads.
        let kinds = threads(std::process::id());
        assert!(!kinds.is_empty());
        assert!(kinds.values().sum::<Duration>() <= process(std::process::id()).unwrap() + Duration::from_millis(100));
    }
}
