//! `--format junit` validates against the common JUnit XSD (`fixtures/junit/junit-10.xsd`).
//!
//! No maintained pure-Rust XSD validator exists, so this file holds a small interpreter of the
//! XSD constructs that schema uses: global and referenced elements, named and inline complex
//! and simple types, `sequence` and `choice` with `minOccurs`/`maxOccurs`, `mixed` content,
//! attributes (undeclared ones rejected, `use="required"` enforced) and `xs:pattern`
//! restrictions. Anything else in the schema makes the test fail rather than pass silently.

use std::collections::{BTreeSet, HashMap};

use quick_xml::events::{BytesStart, Event};

use super::{diorama, root};

/// A parsed XML element.
#[derive(Debug, Default)]
struct Node {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Node>,
    text: String,
}

impl Node {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

fn start(e: &BytesStart<'_>) -> Node {
    let attrs = e
        .attributes()
        .map(|a| {
            let a = a.unwrap();
            (
                String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0).unwrap().into_owned(),
            )
        })
        .collect();
    Node { name: String::from_utf8(e.name().as_ref().to_vec()).unwrap(), attrs, ..Node::default() }
}

fn parse_xml(text: &str) -> Node {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack = vec![Node::default()];
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => stack.push(start(&e)),
            Event::Empty(e) => {
                let node = start(&e);
                stack.last_mut().unwrap().children.push(node);
            }
            Event::End(_) => {
                let node = stack.pop().unwrap();
                stack.last_mut().unwrap().children.push(node);
            }
            Event::Text(t) => stack.last_mut().unwrap().text.push_str(&String::from_utf8_lossy(t.as_ref())),
            Event::CData(_) | Event::GeneralRef(_) => stack.last_mut().unwrap().text.push('x'),
            Event::Eof => break,
            _ => {}
        }
    }
    let mut document = stack.pop().unwrap();
    assert_eq!(document.children.len(), 1, "one root element");
    document.children.pop().unwrap()
}

#[derive(Clone, Debug)]
enum Particle {
    Element { decl: ElementDecl, min: usize, max: Option<usize> },
    Sequence { items: Vec<Particle>, min: usize, max: Option<usize> },
    Choice { items: Vec<Particle>, min: usize, max: Option<usize> },
}

#[derive(Clone, Debug)]
enum ElementDecl {
    Ref(String),
    Local { name: String, ty: Type },
}

impl ElementDecl {
    fn name(&self) -> &str {
        match self {
            ElementDecl::Ref(name) | ElementDecl::Local { name, .. } => name,
        }
    }
}

#[derive(Clone, Debug)]
enum Type {
    /// `xs:string` or a string restricted by a pattern.
    Simple(Option<String>),
    Complex(Box<Complex>),
    Named(String),
}

#[derive(Clone, Debug)]
struct Complex {
    mixed: bool,
    content: Option<Particle>,
    /// name, type, required
    attributes: Vec<(String, Type, bool)>,
}

struct Schema {
    elements: HashMap<String, Type>,
    types: HashMap<String, Type>,
}

fn occurs(node: &Node) -> (usize, Option<usize>) {
    let min = node.attr("minOccurs").map_or(1, |v| v.parse().unwrap());
    let max = match node.attr("maxOccurs") {
        Some("unbounded") => None,
        Some(v) => Some(v.parse().unwrap()),
        None => Some(1),
    };
    (min, max)
}

fn type_ref(name: &str) -> Type {
    match name {
        "xs:string" => Type::Simple(None),
        other => {
            assert!(!other.starts_with("xs:"), "built-in type {other} not supported by this checker");
            Type::Named(other.to_string())
        }
    }
}

fn element_type(node: &Node) -> Type {
    if let Some(ty) = node.attr("type") {
        return type_ref(ty);
    }
    let inner = node.children.first().expect("an element without type needs an inline type");
    schema_type(inner)
}

fn schema_type(node: &Node) -> Type {
    match node.name.as_str() {
        "xs:complexType" => {
            let mut complex =
                Complex { mixed: node.attr("mixed") == Some("true"), content: None, attributes: Vec::new() };
            for child in &node.children {
                match child.name.as_str() {
                    "xs:attribute" => complex.attributes.push((
                        child.attr("name").unwrap().to_string(),
                        type_ref(child.attr("type").unwrap_or("xs:string")),
                        child.attr("use") == Some("required"),
                    )),
                    "xs:sequence" | "xs:choice" => complex.content = Some(particle(child)),
                    other => panic!("unsupported in complexType: {other}"),
                }
            }
            Type::Complex(Box::new(complex))
        }
        "xs:simpleType" => {
            let restriction = &node.children[0];
            assert_eq!(restriction.name, "xs:restriction");
            assert_eq!(restriction.attr("base"), Some("xs:string"));
            let pattern = restriction.children.iter().find(|c| c.name == "xs:pattern").and_then(|p| p.attr("value"));
            Type::Simple(pattern.map(str::to_string))
        }
        other => panic!("unsupported type node {other}"),
    }
}

fn particle(node: &Node) -> Particle {
    let (min, max) = occurs(node);
    match node.name.as_str() {
        "xs:element" => {
            let decl = match node.attr("ref") {
                Some(name) => ElementDecl::Ref(name.to_string()),
                None => ElementDecl::Local { name: node.attr("name").unwrap().to_string(), ty: element_type(node) },
            };
            Particle::Element { decl, min, max }
        }
        "xs:sequence" => Particle::Sequence { items: node.children.iter().map(particle).collect(), min, max },
        "xs:choice" => Particle::Choice { items: node.children.iter().map(particle).collect(), min, max },
        other => panic!("unsupported particle {other}"),
    }
}

fn load_schema(text: &str) -> Schema {
    let root = parse_xml(text);
    assert_eq!(root.name, "xs:schema");
    let mut schema = Schema { elements: HashMap::new(), types: HashMap::new() };
    for node in &root.children {
        let name = node.attr("name").unwrap().to_string();
        match node.name.as_str() {
            "xs:element" => {
                schema.elements.insert(name, element_type(node));
            }
            "xs:complexType" | "xs:simpleType" => {
                schema.types.insert(name, schema_type(node));
            }
            other => panic!("unsupported top-level {other}"),
        }
    }
    schema
}

impl Schema {
    fn resolve<'a>(&'a self, ty: &'a Type) -> &'a Type {
        match ty {
            Type::Named(name) => self.resolve(self.types.get(name).unwrap_or_else(|| panic!("unknown type {name}"))),
            other => other,
        }
    }

    /// Validates `node` as the root; returns every violation.
    fn validate_root(&self, node: &Node) -> Vec<String> {
        let mut errors = Vec::new();
        match self.elements.get(&node.name) {
            Some(ty) => self.validate(node, ty, &node.name, &mut errors),
            None => errors.push(format!("{}: not a global element of the schema", node.name)),
        }
        errors
    }

    fn validate(&self, node: &Node, ty: &Type, at: &str, errors: &mut Vec<String>) {
        match self.resolve(ty) {
            Type::Simple(pattern) => {
                if !node.children.is_empty() || !node.attrs.is_empty() {
                    errors.push(format!("{at}: a text-only element has elements or attributes"));
                }
                check_pattern(pattern.as_deref(), &node.text, at, errors);
            }
            Type::Complex(complex) => {
                for (name, value) in &node.attrs {
                    match complex.attributes.iter().find(|(n, _, _)| n == name) {
                        Some((_, ty, _)) => match self.resolve(ty) {
                            Type::Simple(pattern) => {
                                check_pattern(pattern.as_deref(), value, &format!("{at}@{name}"), errors)
                            }
                            _ => errors.push(format!("{at}@{name}: attribute of complex type")),
                        },
                        None => errors.push(format!("{at}: undeclared attribute `{name}`")),
                    }
                }
                for (name, _, required) in &complex.attributes {
                    if *required && node.attr(name).is_none() {
                        errors.push(format!("{at}: missing required attribute `{name}`"));
                    }
                }
                if !complex.mixed && !node.text.trim().is_empty() {
                    errors.push(format!("{at}: text in element-only content"));
                }
                let names: Vec<&str> = node.children.iter().map(|c| c.name.as_str()).collect();
                let fits = match &complex.content {
                    None => names.is_empty(),
                    Some(p) => self.ends(p, &names, 0).contains(&names.len()),
                };
                if !fits {
                    errors.push(format!("{at}: children [{}] do not fit the content model", names.join(", ")));
                    return;
                }
                for (i, child) in node.children.iter().enumerate() {
                    let decl = complex.content.as_ref().and_then(|p| find_decl(p, &child.name));
                    let ty = match decl {
                        Some(ElementDecl::Local { ty, .. }) => ty.clone(),
                        _ => self.elements[&child.name].clone(),
                    };
                    self.validate(child, &ty, &format!("{at}/{}[{i}]", child.name), errors);
                }
            }
            Type::Named(_) => unreachable!(),
        }
    }

    /// Positions in `names` where matching `p` from `start` can end.
    fn ends(&self, p: &Particle, names: &[&str], start: usize) -> BTreeSet<usize> {
        let (min, max) = match p {
            Particle::Element { min, max, .. }
            | Particle::Sequence { min, max, .. }
            | Particle::Choice { min, max, .. } => (*min, *max),
        };
        let mut reach: BTreeSet<usize> = [start].into();
        let mut result = BTreeSet::new();
        if min == 0 {
            result.insert(start);
        }
        let mut count = 0;
        while max.is_none_or(|m| count < m) && !reach.is_empty() {
            let next: BTreeSet<usize> = reach.iter().flat_map(|pos| self.once(p, names, *pos)).collect();
            count += 1;
            if count >= min {
                let before = result.len();
                result.extend(next.iter().copied());
                // Past the minimum, a repetition that reaches nothing new never will.
                if count > min && result.len() == before {
                    break;
                }
            }
            reach = next;
        }
        result
    }

    fn once(&self, p: &Particle, names: &[&str], start: usize) -> BTreeSet<usize> {
        match p {
            Particle::Element { decl, .. } => {
                if names.get(start) == Some(&decl.name()) {
                    [start + 1].into()
                } else {
                    BTreeSet::new()
                }
            }
            Particle::Sequence { items, .. } => {
                let mut positions: BTreeSet<usize> = [start].into();
                for item in items {
                    positions = positions.iter().flat_map(|pos| self.ends(item, names, *pos)).collect();
                }
                positions
            }
            Particle::Choice { items, .. } => items.iter().flat_map(|item| self.ends(item, names, start)).collect(),
        }
    }
}

fn find_decl<'a>(p: &'a Particle, name: &str) -> Option<&'a ElementDecl> {
    match p {
        Particle::Element { decl, .. } => (decl.name() == name).then_some(decl),
        Particle::Sequence { items, .. } | Particle::Choice { items, .. } => {
            items.iter().find_map(|i| find_decl(i, name))
        }
    }
}

fn check_pattern(pattern: Option<&str>, value: &str, at: &str, errors: &mut Vec<String>) {
    if let Some(pattern) = pattern {
        // XSD patterns match the whole value.
        let re = regex::Regex::new(&format!("^(?:{pattern})$")).unwrap();
        if !re.is_match(value) {
            errors.push(format!("{at}: `{value}` does not match `{pattern}`"));
        }
    }
}

fn schema() -> Schema {
    load_schema(&std::fs::read_to_string(root().join("fixtures/junit/junit-10.xsd")).unwrap())
}

#[test]
fn the_checker_rejects_what_the_schema_forbids() {
    let schema = schema();
    let ok = r#"<testsuites name="d" tests="1" failures="0" errors="0" time="0.012"><testsuite name="d" tests="1" failures="0" errors="0" skipped="0"><testcase name="a" time="0.001"><skipped message="m"/><system-out>x</system-out></testcase></testsuite></testsuites>"#;
    assert_eq!(schema.validate_root(&parse_xml(ok)), Vec::<String>::new());
    for (bad, why) in [
        (
            ok.replace("<testsuites name=\"d\"", "<testsuites name=\"d\" skipped=\"0\""),
            "undeclared attribute `skipped`",
        ),
        (ok.replace("<testcase name=\"a\"", "<testcase"), "missing required attribute `name`"),
        (ok.replace("time=\"0.012\"", "time=\"0.0125\""), "does not match"),
        (ok.replace("<system-out>x</system-out>", "<properties/>"), "do not fit the content model"),
        (ok.replace("<testsuites ", "<results ").replace("</testsuites>", "</results>"), "not a global element"),
    ] {
        let errors = schema.validate_root(&parse_xml(&bad));
        assert!(errors.iter().any(|e| e.contains(why)), "expected `{why}` for {bad}: {errors:?}");
    }
}

#[test]
fn junit_output_validates_against_the_common_xsd() {
    // A suite with passes, failures, an input error, a parity failure, unmetered notes and a skip.
    let dir = std::env::temp_dir().join(format!("diorama-junit-xsd-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let wasm = root().join("fixtures/wasm/counter.wasm");
    let skipped = format!(
        r#"{{"executors": ["debugger"], "steps": [{{"step": "setState", "accounts": {{"address:c": {{"code": "wasm:{}"}}}}}}]}}"#,
        wasm.display()
    );
    std::fs::write(dir.join("skipped.scen.json"), skipped).unwrap();
    let output = diorama(&[
        "run",
        "--format",
        "junit",
        "fixtures/scenarios",
        "fixtures/should-fail",
        "fixtures/bad-input/bad-number.scen.json",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2), "an input error is in the suite");
    let xml = String::from_utf8(output.stdout).unwrap();
    let report = parse_xml(&xml);
    let errors = schema().validate_root(&report);
    assert!(errors.is_empty(), "{errors:#?}\n{xml}");
    for element in ["<failure ", "<error ", "<skipped ", "<system-out>", "time=\""] {
        assert!(xml.contains(element), "the checked report has no {element}");
    }
    assert!(xml.contains("unchecked, not metered"), "{xml}");
    std::fs::remove_dir_all(&dir).unwrap();
}
