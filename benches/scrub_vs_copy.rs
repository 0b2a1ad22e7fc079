//! `tazala scrub` next to a plain copy of the same file, in the same run, through the real
//! binary as installed (`cargo build --profile release-lto`): the acceptance benchmark of the
//! issue ("scrub reaches ≥ 50 % of a copy's throughput with 2 threads; peak memory under 300 MB
//! on a 1 GB input").
//!
//! Writes into a temporary directory (or `$TAZALA_BENCH_DIR`, kept) an LMS-like students
//! export of `$TAZALA_BENCH_MB` MB (default 100): IIN, ФИО, phone, e-mail, class, course,
//! grade, attendance and a free-text comment from the synthetic corpus (`tazala::synth`),
//! personal data in about a third of the comments. Every person is distinct. The same records
//! go into a snappy Parquet file with typed columns (`iin` as `int64`). Then, each
//! `$TAZALA_BENCH_RUNS` times (default 3), best and median, a copy and a scrub of one file back
//! to back in each round (which goes first alternates), with the ratio of each round:
//!
//! | run | what |
//! |---|---|
//! | csv copy | `csv` crate, `ByteRecord` read → write, same delimiter, in this process |
//! | csv scrub | `tazala scrub --threads 2` of the CSV |
//! | parquet copy | `ParquetRecordBatchReader` → `ArrowWriter`, same codec and batch size |
//! | parquet scrub | `tazala scrub --threads 2` of the Parquet file |
//! | small copy | the CSV copy of each of 400 files of 20 records (the first of the CSV) |
//! | small scrub | `tazala scrub --threads 2` of the directory of those 400 files |
//!
//! Throughput is input file bytes per second (the Parquet file is smaller than the CSV for the
//! same records, so its MB/s are not comparable with the CSV's; the ratios are). Peak RSS of
//! the binary comes from GNU `/usr/bin/time` when present, with its CPU time (user + system):
//! on a shared machine the wall time depends on the neighbours, the CPU time much less, and
//! `bytes / (CPU time / 2)` is what two idle cores would reach at best. The copies' CPU time
//! comes from `/proc/self/stat`.
//!
//! ```text
//! cargo build --profile release-lto && cargo bench --bench scrub_vs_copy
//! TAZALA_BENCH_MB=1000 TAZALA_BENCH_RUNS=1 cargo bench --bench scrub_vs_copy
//! ```
//!
//! Not a criterion bench: the runs are seconds long, go through a separate process, and the
//! point is one table of figures, not regression statistics (`benches/scrub.rs` has those).

use std::fs::{self, File};
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use arrow_array::{
    ArrayRef, Float64Array, Int64Array, RecordBatch, RecordBatchReader, StringArray,
};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use tazala::synth::{Corpus, Rng, Spec};

/// Records per Arrow batch, in the generator, the copy and `tazala scrub` (its default).
const BATCH: usize = 16_384;
const THREADS: &str = "2";

/// Surnames as (male, female, Latin) — Kazakh and Russian, the mix of a city school.
const SURNAMES: [(&str, &str, &str); 24] = [
    ("Сулейменов", "Сулейменова", "suleimenov"),
    ("Ахметов", "Ахметова", "akhmetov"),
    ("Жумабеков", "Жумабекова", "zhumabekov"),
    ("Омаров", "Омарова", "omarov"),
    ("Касымов", "Касымова", "kasymov"),
    ("Нурланов", "Нурланова", "nurlanov"),
    ("Тоқаев", "Тоқаева", "tokaev"),
    ("Байжанов", "Байжанова", "baizhanov"),
    ("Есенов", "Есенова", "esenov"),
    ("Абенов", "Абенова", "abenov"),
    ("Мукашев", "Мукашева", "mukashev"),
    ("Серікбаев", "Серікбаева", "serikbaev"),
    ("Жақсылықов", "Жақсылықова", "zhaksylykov"),
    ("Оспанов", "Оспанова", "ospanov"),
    ("Исабеков", "Исабекова", "isabekov"),
    ("Кенжебаев", "Кенжебаева", "kenzhebaev"),
    ("Иванов", "Иванова", "ivanov"),
    ("Петров", "Петрова", "petrov"),
    ("Смирнов", "Смирнова", "smirnov"),
    ("Ким", "Ким", "kim"),
    ("Цой", "Цой", "tsoi"),
    ("Попов", "Попова", "popov"),
    ("Волков", "Волкова", "volkov"),
    ("Ли", "Ли", "li"),
];
const MALE: [(&str, &str); 16] = [
    ("Нұрлан", "nurlan"),
    ("Арман", "arman"),
    ("Ерлан", "erlan"),
    ("Әлихан", "alikhan"),
    ("Данияр", "daniyar"),
    ("Тимур", "timur"),
    ("Айдос", "aidos"),
    ("Санжар", "sanzhar"),
    ("Ерасыл", "erasyl"),
    ("Нұрсұлтан", "nursultan"),
    ("Максим", "maksim"),
    ("Иван", "ivan"),
    ("Артём", "artem"),
    ("Дамир", "damir"),
    ("Бекзат", "bekzat"),
    ("Ислам", "islam"),
];
const FEMALE: [(&str, &str); 16] = [
    ("Айгерим", "aigerim"),
    ("Дана", "dana"),
    ("Жанар", "zhanar"),
    ("Айым", "aiym"),
    ("Аружан", "aruzhan"),
    ("Мадина", "madina"),
    ("Әсел", "asel"),
    ("Томирис", "tomiris"),
    ("Камила", "kamila"),
    ("Дильназ", "dilnaz"),
    ("Ольга", "olga"),
    ("Анна", "anna"),
    ("Алина", "alina"),
    ("Інкәр", "inkar"),
    ("Сабина", "sabina"),
    ("Амина", "amina"),
];
/// Fathers' names for patronymics: Russian form and Kazakh form.
const FATHERS: [(&str, &str); 8] = [
    ("Нурлан", "Нұрлан"),
    ("Серик", "Серік"),
    ("Ерлан", "Ерлан"),
    ("Болат", "Болат"),
    ("Асхат", "Асқат"),
    ("Кайрат", "Қайрат"),
    ("Марат", "Марат"),
    ("Бакыт", "Бақыт"),
];
const DOMAINS: [&str; 7] = [
    "mail.ru",
    "gmail.com",
    "inbox.ru",
    "bk.ru",
    "yandex.kz",
    "mail.kz",
    "list.ru",
];
/// Mobile operator codes (domain-kz.md "Phone numbers").
const OPERATORS: [&str; 12] = [
    "700", "701", "702", "705", "707", "708", "747", "771", "775", "776", "777", "778",
];
const COURSES: [&str; 6] = [
    "Алгебра 9",
    "Python для начинающих",
    "Қазақ тілі",
    "Физика 10",
    "English B1",
    "История Казахстана",
];

/// One student record: every value distinct per record, drawn from `rng`.
struct Student {
    iin: String,
    name: String,
    phone: String,
    email: String,
    class: String,
    course: &'static str,
    grade: f64,
    attendance: f64,
}

/// A valid IIN of a school child born 2007–2017 (check digit of domain-kz.md "IIN").
fn iin(rng: &mut Rng, female: bool) -> String {
    let mut d = [0u8; 12];
    loop {
        let year = rng.range(7, 17);
        let month = rng.range(1, 12);
        let day = rng.range(1, 28);
        let date = format!("{year:02}{month:02}{day:02}");
        for (slot, b) in d.iter_mut().zip(date.bytes()) {
            *slot = b - b'0';
        }
        d[6] = if female { 6 } else { 5 };
        for slot in &mut d[7..11] {
            *slot = rng.digit();
        }
        if let Some(k) = check_digit(&d) {
            d[11] = k;
            return d.iter().map(|x| char::from(b'0' + x)).collect();
        }
    }
}

fn check_digit(d: &[u8; 12]) -> Option<u8> {
    const PASS2: [u32; 11] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];
    let sum1: u32 = (0..11).map(|i| u32::from(d[i]) * (i as u32 + 1)).sum();
    if sum1 % 11 != 10 {
        return Some((sum1 % 11) as u8);
    }
    let sum2: u32 = (0..11).map(|i| u32::from(d[i]) * PASS2[i]).sum();
    (sum2 % 11 != 10).then_some((sum2 % 11) as u8)
}

fn student(rng: &mut Rng) -> Student {
    let female = rng.chance(50);
    let surname = rng.pick(&SURNAMES);
    let (given, given_latin) = *rng.pick(if female { &FEMALE } else { &MALE });
    let father = rng.pick(&FATHERS);
    let name = match (rng.below(3), female) {
        (0, false) => format!("{} {given} {}ович", surname.0, father.0),
        (0, true) => format!("{} {given} {}овна", surname.1, father.0),
        (1, false) => format!("{} {given} {}ұлы", surname.0, father.1),
        (1, true) => format!("{} {given} {}қызы", surname.1, father.1),
        _ => format!("{} {given}", if female { surname.1 } else { surname.0 }),
    };
    let op = rng.pick(&OPERATORS);
    let n: String = (0..7).map(|_| char::from(b'0' + rng.digit())).collect();
    let phone = match rng.below(4) {
        0 => format!("+7 {op} {} {} {}", &n[..3], &n[3..5], &n[5..]),
        1 => format!("8{op}{n}"),
        2 => format!("8 ({op}) {}-{}-{}", &n[..3], &n[3..5], &n[5..]),
        _ => format!("+7{op}{n}"),
    };
    let email = format!(
        "{given_latin}.{}{}@{}",
        surname.2,
        rng.range(1, 9_999),
        rng.pick(&DOMAINS)
    );
    Student {
        iin: iin(rng, female),
        name,
        phone,
        email,
        class: format!("{}{}", rng.range(1, 11), rng.pick(&["А", "Б", "В", "Ә"])),
        course: COURSES[rng.below(COURSES.len())],
        grade: f64::from(rng.range(4, 10)) * 0.5,
        attendance: f64::from(rng.range(600, 1000)) / 10.0,
    }
}

/// Free-text comments: a third empty, a third from corpus records with planted personal data,
/// a third from the same templates without.
struct Comments {
    pii: Corpus,
    prose: Corpus,
}

impl Comments {
    fn new() -> Comments {
        let spec = Spec {
            records: 40_000,
            ..Spec::CORPUS
        };
        Comments {
            pii: Corpus::generate(spec),
            prose: Corpus::generate(spec.without_pii()),
        }
    }

    fn pick(&self, rng: &mut Rng) -> &str {
        match rng.below(3) {
            0 => "",
            1 => &rng.pick(&self.pii.records).text,
            _ => &rng.pick(&self.prose.records).text,
        }
    }
}

const HEADER: [&str; 9] = [
    "ИИН",
    "ФИО",
    "Телефон",
    "Email",
    "Класс",
    "Курс",
    "Оценка",
    "Посещаемость",
    "Комментарий",
];

/// Writes the CSV until it holds `target` bytes; returns the records written.
fn write_csv(path: &Path, target: u64, comments: &Comments) -> Result<usize> {
    let mut w = csv::Writer::from_writer(BufWriter::new(File::create(path)?));
    w.write_record(HEADER)?;
    let mut rng = Rng::new(0xBE_4C4);
    let mut records = 0;
    while w.get_ref().get_ref().metadata()?.len() < target {
        // Checking the size once per 10 000 records: the buffered writer lags by its buffer.
        for _ in 0..10_000 {
            let s = student(&mut rng);
            let grade = format!("{}", s.grade).replace('.', ",");
            let attendance = format!("{:.1}%", s.attendance);
            w.write_record([
                s.iin.as_str(),
                &s.name,
                &s.phone,
                &s.email,
                &s.class,
                s.course,
                &grade,
                &attendance,
                comments.pick(&mut rng),
            ])?;
        }
        w.flush()?;
        records += 10_000;
    }
    Ok(records)
}

/// Writes the same records (same seed) to a snappy Parquet file with typed columns.
fn write_parquet(path: &Path, records: usize, comments: &Comments) -> Result<()> {
    let schema = Arc::new(Schema::new(vec![
        Field::new("iin", DataType::Int64, false),
        Field::new("ФИО", DataType::Utf8, false),
        Field::new("phone", DataType::Utf8, false),
        Field::new("email", DataType::Utf8, false),
        Field::new("class", DataType::Utf8, false),
        Field::new("course", DataType::Utf8, false),
        Field::new("grade", DataType::Float64, false),
        Field::new("attendance", DataType::Float64, false),
        Field::new("comment", DataType::Utf8, false),
    ]));
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let mut writer = ArrowWriter::try_new(File::create(path)?, schema.clone(), Some(props))?;
    let mut rng = Rng::new(0xBE_4C4);
    let mut done = 0;
    while done < records {
        let n = BATCH.min(records - done);
        let mut rows = Vec::with_capacity(n);
        let mut texts = Vec::with_capacity(n);
        for _ in 0..n {
            rows.push(student(&mut rng));
            texts.push(comments.pick(&mut rng));
        }
        let columns: Vec<ArrayRef> = vec![
            Arc::new(Int64Array::from_iter_values(
                rows.iter().map(|s| s.iin.parse::<i64>().unwrap()),
            )),
            Arc::new(StringArray::from_iter_values(rows.iter().map(|s| &s.name))),
            Arc::new(StringArray::from_iter_values(rows.iter().map(|s| &s.phone))),
            Arc::new(StringArray::from_iter_values(rows.iter().map(|s| &s.email))),
            Arc::new(StringArray::from_iter_values(rows.iter().map(|s| &s.class))),
            Arc::new(StringArray::from_iter_values(rows.iter().map(|s| s.course))),
            Arc::new(Float64Array::from_iter_values(rows.iter().map(|s| s.grade))),
            Arc::new(Float64Array::from_iter_values(
                rows.iter().map(|s| s.attendance),
            )),
            Arc::new(StringArray::from_iter_values(texts)),
        ];
        writer.write(&RecordBatch::try_new(schema.clone(), columns)?)?;
        done += n;
    }
    writer.close()?;
    Ok(())
}

fn csv_copy(input: &Path, output: &Path) -> Result<()> {
    let mut r = csv::ReaderBuilder::new()
        .delimiter(b',')
        .has_headers(false)
        .from_reader(BufReader::new(File::open(input)?));
    let mut w = csv::WriterBuilder::new()
        .delimiter(b',')
        .from_writer(BufWriter::new(File::create(output)?));
    let mut record = csv::ByteRecord::new();
    while r.read_byte_record(&mut record)? {
        w.write_byte_record(&record)?;
    }
    w.flush()?;
    Ok(())
}

/// Files of the small-files run, and records in each: a directory of short exports (one per
/// class or course), where what a scrub pays per file counts, not per record.
const SMALL_FILES: usize = 400;
const SMALL_RECORDS: usize = 20;

/// Writes [`SMALL_FILES`] CSV files of [`SMALL_RECORDS`] records of `from` each, with its
/// header, into `dir`; gives their bytes in all.
fn write_small_files(from: &Path, dir: &Path) -> Result<u64> {
    fs::create_dir_all(dir)?;
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(BufReader::new(File::open(from)?));
    let mut records = r.byte_records();
    let header = records.next().context("no header")??;
    let mut bytes = 0;
    for i in 0..SMALL_FILES {
        let path = dir.join(format!("class-{i:03}.csv"));
        let mut w = csv::Writer::from_writer(BufWriter::new(File::create(&path)?));
        w.write_byte_record(&header)?;
        for record in records.by_ref().take(SMALL_RECORDS) {
            w.write_byte_record(&record?)?;
        }
        w.flush()?;
        drop(w);
        bytes += fs::metadata(&path)?.len();
    }
    Ok(bytes)
}

/// Copies every file of `input` into `output`, as [`csv_copy`].
fn csv_copy_dir(input: &Path, output: &Path) -> Result<()> {
    fs::create_dir_all(output)?;
    for entry in fs::read_dir(input)? {
        let path = entry?.path();
        csv_copy(
            &path,
            &output.join(path.file_name().context("a file name")?),
        )?;
    }
    Ok(())
}

fn parquet_copy(input: &Path, output: &Path) -> Result<()> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(input)?)?;
    let codec = builder.metadata().row_group(0).column(0).compression();
    let reader = builder.with_batch_size(BATCH).build()?;
    let props = WriterProperties::builder().set_compression(codec).build();
    let mut writer = ArrowWriter::try_new(File::create(output)?, reader.schema(), Some(props))?;
    for batch in reader {
        writer.write(&batch?)?;
    }
    writer.close()?;
    Ok(())
}

/// One timed run, and the peak resident set of the child process when known (KiB).
struct Timing {
    elapsed: Duration,
    peak_kib: Option<u64>,
    cpu: Option<Duration>,
}

/// The binary as installed (profile `release-lto`, see Cargo.toml) in the target directory of
/// this bench's own executable (`target/release/deps/..`), and refused when older than any
/// source file: timing a stale binary would mislead.
fn release_binary() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("TAZALA_BIN") {
        return Ok(PathBuf::from(path));
    }
    let exe = std::env::current_exe()?;
    let bin = exe
        .parent()
        .and_then(Path::parent)
        .and_then(Path::parent)
        .map(|target| target.join("release-lto").join("tazala"))
        .filter(|p| p.is_file());
    let Some(bin) = bin else {
        bail!(
            "no target/release-lto/tazala beside {}: run `cargo build --profile release-lto` \
             first (or set TAZALA_BIN)",
            exe.display()
        );
    };
    let built = fs::metadata(&bin)?.modified()?;
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in ["src", "patterns"] {
        for entry in walkdir::WalkDir::new(manifest.join(dir)) {
            let entry = entry?;
            if entry.file_type().is_file() && entry.metadata()?.modified()? > built {
                bail!(
                    "{} is older than {}: run `cargo build --profile release-lto` first",
                    bin.display(),
                    entry.path().display()
                );
            }
        }
    }
    Ok(bin)
}

/// `/usr/bin/time` when it is GNU time (it writes `%M`, the peak RSS in KiB, to a file).
fn gnu_time() -> Option<PathBuf> {
    let time = PathBuf::from("/usr/bin/time");
    let ok = Command::new(&time)
        .args(["-f", "%M %U %S", "-o", "/dev/null", "true"])
        .status()
        .is_ok_and(|s| s.success());
    ok.then_some(time)
}

fn scrub(
    bin: &Path,
    time: Option<&Path>,
    key: &Path,
    input: &Path,
    output: &Path,
) -> Result<Timing> {
    let _ = fs::remove_file(output);
    let rss = output.with_extension("rss");
    let args = [
        "scrub".as_ref(),
        input.as_os_str(),
        "-o".as_ref(),
        output.as_os_str(),
        "--key-file".as_ref(),
        key.as_os_str(),
        "--threads".as_ref(),
        THREADS.as_ref(),
    ];
    let mut cmd = match time {
        Some(time) => {
            let mut c = Command::new(time);
            c.args(["-f", "%M %U %S", "-o"]).arg(&rss).arg(bin);
            c
        }
        None => Command::new(bin),
    };
    cmd.args(args).env_remove("TAZALA_KEY_FILE");
    let start = Instant::now();
    let out = cmd.output().context("running tazala scrub")?;
    let elapsed = start.elapsed();
    if !out.status.success() {
        bail!(
            "tazala scrub {} failed: {}",
            input.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The last line: earlier ones are GNU time's notes (a signal, a non-zero exit).
    let text = time.and_then(|_| fs::read_to_string(&rss).ok());
    let fields: Vec<&str> = text
        .as_deref()
        .and_then(|t| t.lines().last())
        .map(|l| l.split_whitespace().collect())
        .unwrap_or_default();
    let peak_kib = fields.first().and_then(|f| f.parse().ok());
    let cpu = match fields[..] {
        [_, user, system] => match (user.parse::<f64>(), system.parse::<f64>()) {
            (Ok(u), Ok(s)) => Some(Duration::from_secs_f64(u + s)),
            _ => None,
        },
        _ => None,
    };
    Ok(Timing {
        elapsed,
        peak_kib,
        cpu,
    })
}

fn in_process(f: impl FnOnce() -> Result<()>) -> Result<Timing> {
    let cpu_before = own_cpu_time();
    let start = Instant::now();
    f()?;
    let elapsed = start.elapsed();
    Ok(Timing {
        elapsed,
        peak_kib: None,
        cpu: own_cpu_time()
            .zip(cpu_before)
            .map(|(after, before)| after.saturating_sub(before)),
    })
}

/// User + system time of this process so far, from `/proc/self/stat` (fields 14 and 15, in
/// clock ticks of 1/100 s: Linux's `USER_HZ` on every common architecture; reading `sysconf`
/// would need `unsafe`).
fn own_cpu_time() -> Option<Duration> {
    let stat = fs::read_to_string("/proc/self/stat").ok()?;
    // After the command name in parentheses: field 3 onwards.
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut fields = rest.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis((user + system) * 10))
}

/// Best and median of `runs` timings, and the largest peak RSS.
struct Summary {
    best: Duration,
    median: Duration,
    peak_kib: Option<u64>,
    /// CPU time of the run with the best wall time.
    cpu: Option<Duration>,
}

/// A copy and a scrub of one file timed `runs` times, in turns: round by round, so that a
/// neighbour who slows the machine for a while slows both, and the first of a round alternates.
/// Also the ratio copy time / scrub time of each round.
fn measure_pair(
    runs: usize,
    mut copy: impl FnMut() -> Result<Timing>,
    mut scrub: impl FnMut() -> Result<Timing>,
) -> Result<(Summary, Summary, Vec<f64>)> {
    let (mut copies, mut scrubs, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..runs {
        let (c, s) = if round % 2 == 0 {
            let c = copy()?;
            (c, scrub()?)
        } else {
            let s = scrub()?;
            (copy()?, s)
        };
        ratios.push(c.elapsed.as_secs_f64() / s.elapsed.as_secs_f64());
        copies.push(c);
        scrubs.push(s);
    }
    ratios.sort_by(f64::total_cmp);
    Ok((summary(copies), summary(scrubs), ratios))
}

/// Best and median of timings, the largest peak RSS and the CPU time of the best.
fn summary(timings: Vec<Timing>) -> Summary {
    let best = timings
        .iter()
        .min_by_key(|t| t.elapsed)
        .expect("at least one run");
    let cpu = best.cpu;
    let peak_kib = timings.iter().filter_map(|t| t.peak_kib).max();
    let mut times: Vec<Duration> = timings.iter().map(|t| t.elapsed).collect();
    times.sort();
    Summary {
        best: times[0],
        median: times[times.len() / 2],
        peak_kib,
        cpu,
    }
}

fn mb_per_s(bytes: u64, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64()
}

fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".to_string())
}

fn env_number(name: &str, default: u64) -> Result<u64> {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .with_context(|| format!("{name} must be a whole number")),
        Err(_) => Ok(default),
    }
}

fn main() -> Result<()> {
    // `cargo bench` passes `--bench`; this bench takes no arguments of its own.
    let mb = env_number("TAZALA_BENCH_MB", 100)?;
    let runs = env_number("TAZALA_BENCH_RUNS", 3)?.max(1) as usize;
    let bin = release_binary()?;
    let time = gnu_time();
    let _temp;
    let dir = match std::env::var_os("TAZALA_BENCH_DIR") {
        Some(d) => PathBuf::from(d),
        None => {
            _temp = tempfile::tempdir()?;
            _temp.path().to_path_buf()
        }
    };
    fs::create_dir_all(&dir)?;
    println!(
        "scrub_vs_copy: {mb} MB, {runs} runs, {THREADS} scrub threads, {} cores, load average {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        load_average()
    );
    println!("binary: {}", bin.display());

    let start = Instant::now();
    let comments = Comments::new();
    let csv_in = dir.join("students.csv");
    let records = write_csv(&csv_in, mb * 1_000_000, &comments)?;
    let pq_in = dir.join("students.parquet");
    write_parquet(&pq_in, records, &comments)?;
    drop(comments);
    let csv_bytes = fs::metadata(&csv_in)?.len();
    let pq_bytes = fs::metadata(&pq_in)?.len();
    println!(
        "generated {records} records: CSV {:.1} MB, Parquet {:.1} MB, in {:.1} s",
        csv_bytes as f64 / 1e6,
        pq_bytes as f64 / 1e6,
        start.elapsed().as_secs_f64()
    );
    let key = dir.join("bench.key");
    let _ = fs::remove_file(&key);
    let keygen = Command::new(&bin)
        .args(["keygen", "-o"])
        .arg(&key)
        .output()?;
    if !keygen.status.success() {
        bail!("tazala keygen: {}", String::from_utf8_lossy(&keygen.stderr));
    }

    let csv_out = dir.join("copy.csv");
    let csv_scrubbed = dir.join("scrubbed.csv");
    let pq_out = dir.join("copy.parquet");
    let pq_scrubbed = dir.join("scrubbed.parquet");
    let (csv_copy_runs, csv_scrub_runs, csv_ratios) = measure_pair(
        runs,
        || {
            // As for the scrub: the output does not exist when the clock starts.
            let _ = fs::remove_file(&csv_out);
            in_process(|| csv_copy(&csv_in, &csv_out))
        },
        || scrub(&bin, time.as_deref(), &key, &csv_in, &csv_scrubbed),
    )?;
    let (pq_copy_runs, pq_scrub_runs, pq_ratios) = measure_pair(
        runs,
        || {
            let _ = fs::remove_file(&pq_out);
            in_process(|| parquet_copy(&pq_in, &pq_out))
        },
        || scrub(&bin, time.as_deref(), &key, &pq_in, &pq_scrubbed),
    )?;
    let small_in = dir.join("small");
    let _ = fs::remove_dir_all(&small_in);
    let small_bytes = write_small_files(&csv_in, &small_in)?;
    let small_out = dir.join("small-copy");
    let small_scrubbed = dir.join("small-scrubbed");
    let (small_copy_runs, small_scrub_runs, small_ratios) = measure_pair(
        runs,
        || {
            let _ = fs::remove_dir_all(&small_out);
            in_process(|| csv_copy_dir(&small_in, &small_out))
        },
        || {
            let _ = fs::remove_dir_all(&small_scrubbed);
            scrub(&bin, time.as_deref(), &key, &small_in, &small_scrubbed)
        },
    )?;
    let rows = [
        ("csv copy", csv_bytes, csv_copy_runs),
        ("csv scrub", csv_bytes, csv_scrub_runs),
        ("parquet copy", pq_bytes, pq_copy_runs),
        ("parquet scrub", pq_bytes, pq_scrub_runs),
        ("small copy", small_bytes, small_copy_runs),
        ("small scrub", small_bytes, small_scrub_runs),
    ];

    println!(
        "\n{:<14} {:>9} {:>9} {:>10} {:>10} {:>12} {:>7}",
        "run", "best s", "median s", "best MB/s", "med MB/s", "peak RSS MB", "CPU s"
    );
    for (name, bytes, s) in &rows {
        println!(
            "{name:<14} {:>9.2} {:>9.2} {:>10.1} {:>10.1} {:>12} {:>7}",
            s.best.as_secs_f64(),
            s.median.as_secs_f64(),
            mb_per_s(*bytes, s.best),
            mb_per_s(*bytes, s.median),
            s.peak_kib
                .map_or("-".to_string(), |k| format!("{:.0}", k as f64 / 1024.0)),
            s.cpu
                .map_or("-".to_string(), |c| format!("{:.2}", c.as_secs_f64()))
        );
    }
    const ASKED: &str = "; the issue asks ≥ 50 %";
    for (format, copy, scrub, ratios, asked) in [
        ("csv", &rows[0].2, &rows[1].2, &csv_ratios, ASKED),
        ("parquet", &rows[2].2, &rows[3].2, &pq_ratios, ASKED),
        ("small files", &rows[4].2, &rows[5].2, &small_ratios, ""),
    ] {
        println!(
            "{format}: scrub / copy throughput = {:.0} % (best), {:.0} % (median){asked}",
            100.0 * copy.best.as_secs_f64() / scrub.best.as_secs_f64(),
            100.0 * copy.median.as_secs_f64() / scrub.median.as_secs_f64(),
        );
        let percents: Vec<String> = ratios.iter().map(|r| format!("{:.0}", 100.0 * r)).collect();
        println!(
            "{format}: round by round (copy and scrub back to back) {} %, median {:.0} %",
            percents.join(" "),
            100.0 * ratios[ratios.len() / 2],
        );
        // The copy is one thread: on an idle machine its wall time is its CPU time; the scrub's
        // at best half its CPU time on two cores.
        if let (Some(copy_cpu), Some(scrub_cpu)) = (copy.cpu, scrub.cpu) {
            println!(
                "{format}: CPU time copy {:.2} s, scrub {:.2} s → on two idle cores at best {:.0} % of the copy's throughput",
                copy_cpu.as_secs_f64(),
                scrub_cpu.as_secs_f64(),
                100.0 * copy_cpu.as_secs_f64() / (scrub_cpu.as_secs_f64() / 2.0),
            );
        }
    }
    println!("load average at the end: {}", load_average());
    Ok(())
}
