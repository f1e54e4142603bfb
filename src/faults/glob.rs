//! Path globs: `*` is one segment, `**` any number of segments (none included); anything else
//! is a literal segment.

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Glob {
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    One,
    Any,
}

impl Glob {
    pub fn parse(pattern: &str) -> Result<Self, String> {
        let segments = pattern
            .trim_start_matches('/')
            .split('/')
            .map(|segment| match segment {
                "*" => Ok(Segment::One),
                "**" => Ok(Segment::Any),
                text if text.contains('*') => Err(format!(
                    "path: `{pattern}`: `*` stands for a whole segment (`/*/`) and `**` for any number of them"
                )),
                text => Ok(Segment::Literal(text.to_owned())),
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { segments })
    }

    pub fn matches(&self, path: &str) -> bool {
        let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        matches(&self.segments, &parts)
    }
}

fn matches(pattern: &[Segment], parts: &[&str]) -> bool {
    match pattern.split_first() {
        None => parts.is_empty(),
        Some((Segment::Any, rest)) => (0..=parts.len()).any(|skip| matches(rest, &parts[skip..])),
        Some((segment, rest)) => match parts.split_first() {
            Some((part, others)) => {
                let fits = match segment {
                    Segment::Literal(text) => text == part,
                    _ => true,
                };
                fits && matches(rest, others)
            }
            None => false,
        },
    }
}
