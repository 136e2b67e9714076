//! Sound selection: files the prefilter passed over are parsed when a lookup needs them.
//!
//! The prefilter parses only the files that can carry findings on their own account.
//! What those files use (`Member` in `fn me(member: Member)`, an alias target, a wrapper's
//! inner type) may be declared in a file it passed over. Instead of predicting which names
//! the index and the rules will look up, the pipeline asks them: the index records every
//! lookup of a name that an undecided file declares lexically ([`Lookups`]), and this
//! module decides those files (does the file declare the name at module level? then parse
//! its declarations), until a whole pass of index and rules asks for nothing new. Whatever
//! a rule starts looking up tomorrow is covered by the same loop, so `--no-prefilter` (every
//! file parsed) gives the same findings by construction.
//!
//! A file is *relevant* when the prefilter selected it or it declares a looked-up name at
//! module level: syntax problems are reported for relevant files only, in both modes.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::facts::{FileFacts, Problem, ProblemKind};
use crate::index::Lookups;
use crate::lower::{self, Prepared, Settings};

/// Which undecided files declare which names, lexically (see `Prepared::declares`).
pub struct Candidates {
    by_name: foldhash::HashMap<String, Vec<u32>>,
}

impl Candidates {
    /// The lexical declarations of the files the prefilter did not select.
    pub fn new(prepared: &[Prepared]) -> Self {
        // Tens of thousands of names in a large tree: hashed fast, each copied once.
        let mut by_name: foldhash::HashMap<String, Vec<u32>> = foldhash::HashMap::default();
        for (i, p) in prepared.iter().enumerate().filter(|(_, p)| !p.selected) {
            for name in &p.declares {
                match by_name.get_mut(name.as_str()) {
                    Some(files) => files.push(i as u32),
                    None => {
                        by_name.insert(name.clone(), vec![i as u32]);
                    }
                }
            }
        }
        Candidates { by_name }
    }

    /// The files that declare `name` lexically.
    pub fn files_of(&self, name: &str) -> &[u32] {
        self.by_name.get(name).map(Vec::as_slice).unwrap_or_default()
    }

    /// The names to watch: every name an undecided file declares.
    pub fn lookups(&self) -> Lookups {
        Lookups::new(self.by_name.keys().cloned())
    }
}

/// One file's answer for the names asked of it.
struct Decided {
    /// The asked names it declares at module level.
    declared: Vec<String>,
    /// The asked names it does not declare there (an associated type, a local item).
    undeclared: Vec<String>,
    /// Its facts after parsing its declarations, if it was parsed now.
    parsed: Option<FileFacts>,
    /// A crash while reading or parsing it.
    crash: Option<Diagnostic>,
}

/// The files (and their metadata) on-demand parsing reads and updates.
pub struct Files<'a> {
    /// The facts of every file, in input order.
    pub facts: &'a mut [FileFacts],
    /// The rest of what preparation found, per file (its `facts` field is not used).
    pub meta: &'a mut [Prepared],
    /// Per file: selected, or declares a looked-up name.
    pub relevant: &'a mut [bool],
    /// The syntax problems of files not relevant (yet), held back from their facts.
    pub held: &'a mut HashMap<usize, Vec<Problem>>,
}

/// Decides, for each name asked (see [`Lookups::take_asked`]), every undecided file that
/// declares it lexically: whether it declares it at module level (from its facts when it
/// is parsed without a syntax problem, else from its text, read with `text`), parsing the
/// declarations of those not parsed yet. Files are decided in parallel; the outcome does
/// not depend on the order. Returns the crash diagnostics.
pub fn decide<'r>(
    asked: &[String],
    candidates: &Candidates,
    files: &mut Files<'_>,
    text: &(dyn Fn(usize) -> Result<String, Problem> + Sync),
    rel: &(dyn Fn(usize) -> &'r str + Sync),
    settings: Settings<'_>,
) -> Vec<Diagnostic> {
    // Signature keys are decided on their own (see `decide_signatures`).
    let (fns, types): (Vec<&String>, Vec<&String>) = asked.iter().partition(|n| crate::index::is_signature_key(n));
    let mut crashes = decide_signatures(&fns, files, text, rel, settings);
    let mut by_file: BTreeMap<u32, Vec<&str>> = BTreeMap::new();
    for name in types {
        for &file in candidates.files_of(name) {
            by_file.entry(file).or_default().push(name.as_str());
        }
    }
    let work: Vec<(u32, Vec<&str>, Option<FileFacts>)> = by_file
        .into_iter()
        .map(|(file, names)| {
            let f = file as usize;
            let parsed_cleanly = files.meta[f].lowered
                && !files.held.contains_key(&f)
                && !files.facts[f]
                    .problems
                    .iter()
                    .any(|p| matches!(p.kind, ProblemKind::Syntax | ProblemKind::TooDeep));
            // Facts that tell (parsed without a syntax problem) are read in place; a file
            // that must be read gets a copy of what it has (path, suppressions, test modules).
            let copy = (!parsed_cleanly).then(|| files.facts[f].clone());
            (file, names, copy)
        })
        .collect();
    let facts: &[FileFacts] = files.facts;
    let meta: &[Prepared] = files.meta;
    // Longest first, one file per task: a few generated files (thousands of declarations)
    // take most of the time, and started last they would leave the other workers idle. The
    // number of names a file declares stands in for its size; the outcome is sorted back.
    let mut work = work;
    work.sort_by_key(|(file, ..)| std::cmp::Reverse(meta[*file as usize].declares.len()));
    let mut decided: Vec<(u32, Decided)> = work
        .into_par_iter()
        .with_max_len(1)
        .map(|(file, names, copy)| {
            let f = file as usize;
            (file, decide_file(&names, &facts[f], meta[f].lowered, copy, || text(f), rel(f), settings))
        })
        .collect();
    decided.sort_by_key(|(file, _)| *file);
    for (file, d) in decided {
        let f = file as usize;
        if let Some(mut parsed) = d.parsed {
            // Signatures and impls read before stay (a declarations parse records none).
            parsed.sigs = std::mem::take(&mut files.facts[f].sigs);
            parsed.impls = std::mem::take(&mut files.facts[f].impls);
            files.facts[f] = parsed;
            files.meta[f].lowered = true;
            files.meta[f].declarations_only = true;
        }
        if !d.declared.is_empty() || d.crash.is_some() {
            files.relevant[f] = true;
            if let Some(problems) = files.held.remove(&f) {
                files.facts[f].problems.extend(problems);
            }
        }
        // Not a module-level declaration: the file is no longer a candidate for the name,
        // here or (through the cache) next time.
        files.meta[f].declares.retain(|n| !d.undeclared.contains(n));
        crashes.extend(d.crash);
    }
    crashes
}

/// What reading a file for its signatures gave: its signatures (`None`: read before, or
/// it declares none of the names asked), or a crash.
type SigsRead = Result<Option<lower::Signatures>, Diagnostic>;

/// Decides the asked signature keys (`fn NAME`, `impl TRAIT`): every file declaring one
/// lexically whose signatures were not read yet is read for them (`lower::signatures`, the
/// same in every mode, so the signatures and impls a lookup finds do not depend on what the
/// prefilter selected). A signature makes no file relevant: it carries no finding and no
/// syntax problem of its own. Files that do not declare a function at module level or in
/// an `impl` or `trait` block stop being candidates for it. Returns the crash diagnostics.
fn decide_signatures<'r>(
    asked: &[&String],
    files: &mut Files<'_>,
    text: &(dyn Fn(usize) -> Result<String, Problem> + Sync),
    rel: &(dyn Fn(usize) -> &'r str + Sync),
    settings: Settings<'_>,
) -> Vec<Diagnostic> {
    if asked.is_empty() {
        return Vec::new();
    }
    // Every file may declare functions: the asked names are searched in each one's sorted
    // list (few are ever asked for, so no index of them all is built).
    let mut by_file: BTreeMap<u32, Vec<&str>> = BTreeMap::new();
    for (f, p) in files.meta.iter().enumerate() {
        for name in asked {
            if p.fns.binary_search(name).is_ok() {
                by_file.entry(f as u32).or_default().push(name.as_str());
            }
        }
    }
    let meta: &[Prepared] = files.meta;
    let facts: &[FileFacts] = files.facts;
    let work: Vec<(u32, Vec<&str>)> = by_file.into_iter().collect();
    let decided: Vec<(u32, Vec<&str>, SigsRead)> = work
        .into_par_iter()
        .with_max_len(1)
        .map(|(file, names)| {
            let f = file as usize;
            if facts[f].test_only {
                // Test code (cleared facts): no signature of it counts.
                return (file, Vec::new(), Ok(None));
            }
            if meta[f].signatures {
                let undeclared: Vec<&str> = names.iter().copied().filter(|n| !has_signature(&facts[f], n)).collect();
                return (file, undeclared, Ok(None));
            }
            let read = crate::isolate::isolated(rel(f), None, || {
                let Ok(text) = text(f) else { return (names.clone(), None) };
                // A trait's impls count where found lexically: lowering reads them at module
                // level, the same in every mode.
                let mut declared = crate::prefilter::module_level_declarations(&text, &names);
                declared.extend(names.iter().filter(|n| n.starts_with("impl ")));
                let undeclared: Vec<&str> = names.iter().copied().filter(|n| !declared.contains(n)).collect();
                let sigs =
                    (!declared.is_empty()).then(|| lower::signatures(rel(f), &text, settings.limits, settings.vocab));
                (undeclared, sigs)
            });
            match read {
                Ok((undeclared, sigs)) => (file, undeclared, Ok(sigs)),
                Err(crash) => (file, Vec::new(), Err(*crash)),
            }
        })
        .collect();
    let mut crashes = Vec::new();
    for (file, undeclared, sigs) in decided {
        let f = file as usize;
        match sigs {
            Ok(Some(read)) => {
                files.facts[f].sigs = read.sigs;
                files.facts[f].impls = read.impls;
                files.meta[f].signatures = true;
            }
            Ok(None) => {}
            Err(crash) => crashes.push(crash),
        }
        files.meta[f].fns.retain(|n| !undeclared.contains(&n.as_str()));
    }
    crashes
}

/// Whether read signatures hold the key: a function `fn NAME`, or an impl of `impl TRAIT`.
fn has_signature(facts: &FileFacts, key: &str) -> bool {
    match (key.strip_prefix("fn "), key.strip_prefix("impl ")) {
        (Some(name), _) => facts.sigs.iter().any(|s| s.name == name),
        (_, Some(name)) => facts.impls.iter().any(|i| i.trait_name == name),
        _ => false,
    }
}

/// Decides one file for `names` (see [`decide`]). `copy` is given when the facts cannot
/// tell (the file is not parsed, or has a syntax problem): then the text is read.
fn decide_file(
    names: &[&str],
    facts: &FileFacts,
    lowered: bool,
    copy: Option<FileFacts>,
    text: impl FnOnce() -> Result<String, Problem>,
    rel: &str,
    settings: Settings<'_>,
) -> Decided {
    let split = |declares: &dyn Fn(&str) -> bool| {
        let (declared, undeclared): (Vec<&str>, Vec<&str>) = names.iter().partition(|n| declares(n));
        (declared.into_iter().map(str::to_owned).collect(), undeclared.into_iter().map(str::to_owned).collect())
    };
    let Some(mut copy) = copy else {
        // Parsed cleanly: its facts hold every module-level declaration the rules can follow.
        let (declared, undeclared) = split(&|n| facts.types.iter().any(|d| d.name == n));
        return Decided { declared, undeclared, parsed: None, crash: None };
    };
    let read = crate::isolate::isolated(rel, None, || {
        let text = text();
        let declared = match &text {
            Ok(text) => crate::prefilter::module_level_declarations(text, names),
            // Not readable: counts as declaring, so the problem is reported.
            Err(_) => names.to_vec(),
        };
        (declared, text)
    });
    let (declared, text) = match read {
        Ok(read) => read,
        Err(crash) => {
            return Decided { declared: Vec::new(), undeclared: Vec::new(), parsed: None, crash: Some(*crash) };
        }
    };
    let (declared, undeclared) = split(&|n| declared.contains(&n));
    if declared.is_empty() || lowered {
        return Decided { declared, undeclared, parsed: None, crash: None };
    }
    match crate::isolate::isolated(rel, None, || {
        lower::lower_on_demand(&mut copy, text, settings.limits, settings.vocab);
    }) {
        Ok(()) => Decided { declared, undeclared, parsed: Some(copy), crash: None },
        // A file that crashed keeps the facts it had and stays unparsed (nothing partial is
        // used or cached).
        Err(crash) => Decided { declared, undeclared, parsed: None, crash: Some(*crash) },
    }
}
