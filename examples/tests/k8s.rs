//! The Kubernetes manifests of `docs/k8s/`: every file parses as YAML, every document is a
//! resource `kubectl apply` accepts the shape of, and the Deployment fits the module
//! runtime (its probe paths, its port, its shutdown deadlines, its configuration).
//!
//! The runtime's numbers this checks against are in `docs/modules.md` ("Shutdown"):
//! deregistration is bounded to 5 s and draining to 10 s.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use yaml_rust2::{Yaml, YamlLoader};

/// `RegistrationSettings::deregister_timeout`'s default.
const DEREGISTER_SECONDS: i64 = 5;
/// `Runtime::drain_timeout`'s default.
const DRAIN_SECONDS: i64 = 10;

fn k8s_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/k8s")
}

/// Every document of every `.yaml` file in `docs/k8s/`, with the file it came from.
fn documents() -> Vec<(String, Yaml)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(k8s_dir())
        .expect("docs/k8s/ is readable")
        .map(|entry| entry.expect("a readable directory entry").path())
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "yaml" || ext == "yml")
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "docs/k8s/ holds no .yaml file");
    let mut documents = Vec::new();
    for path in files {
        let name = path
            .file_name()
            .expect("a file name")
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(&path).expect("a readable manifest");
        let parsed = parse(&text).unwrap_or_else(|err| panic!("docs/k8s/{name}: {err}"));
        assert!(!parsed.is_empty(), "docs/k8s/{name} holds no document");
        documents.extend(parsed.into_iter().map(|doc| (name.clone(), doc)));
    }
    documents
}

/// Parses a (multi-document) YAML text, refusing empty documents.
fn parse(text: &str) -> Result<Vec<Yaml>, String> {
    let docs = YamlLoader::load_from_str(text).map_err(|err| err.to_string())?;
    if let Some(index) = docs.iter().position(|doc| doc.as_hash().is_none()) {
        return Err(format!("document {} is not a mapping", index + 1));
    }
    Ok(docs)
}

fn string<'a>(doc: &'a Yaml, what: &str) -> &'a str {
    doc.as_str()
        .unwrap_or_else(|| panic!("{what} should be a string, is {doc:?}"))
}

fn int(doc: &Yaml, what: &str) -> i64 {
    doc.as_i64()
        .unwrap_or_else(|| panic!("{what} should be an integer, is {doc:?}"))
}

fn list<'a>(doc: &'a Yaml, what: &str) -> &'a [Yaml] {
    doc.as_vec()
        .unwrap_or_else(|| panic!("{what} should be a list, is {doc:?}"))
}

/// A mapping whose values must all be strings (labels, annotations, ConfigMap data).
fn string_map(doc: &Yaml, what: &str) -> BTreeMap<String, String> {
    let hash = doc
        .as_hash()
        .unwrap_or_else(|| panic!("{what} should be a mapping, is {doc:?}"));
    hash.iter()
        .map(|(key, value)| {
            let key = string(key, what).to_owned();
            let value = string(value, &format!("{what}.{key}")).to_owned();
            (key, value)
        })
        .collect()
}

fn find<'a>(docs: &'a [(String, Yaml)], kind: &str, name: &str) -> &'a Yaml {
    docs.iter()
        .map(|(_, doc)| doc)
        .find(|doc| {
            doc["kind"].as_str() == Some(kind) && doc["metadata"]["name"].as_str() == Some(name)
        })
        .unwrap_or_else(|| panic!("no {kind} named {name} in docs/k8s/"))
}

fn the_deployment(docs: &[(String, Yaml)]) -> &Yaml {
    let deployments: Vec<&Yaml> = docs
        .iter()
        .map(|(_, doc)| doc)
        .filter(|doc| doc["kind"].as_str() == Some("Deployment"))
        .collect();
    assert_eq!(
        deployments.len(),
        1,
        "docs/k8s/ should hold exactly one Deployment"
    );
    deployments[0]
}

fn the_container(deployment: &Yaml) -> &Yaml {
    let containers = list(
        &deployment["spec"]["template"]["spec"]["containers"],
        "containers",
    );
    assert_eq!(containers.len(), 1, "the module's pod runs one container");
    &containers[0]
}

/// The container's `env` entry named `name`.
fn env<'a>(container: &'a Yaml, name: &str) -> (usize, &'a Yaml) {
    list(&container["env"], "env")
        .iter()
        .enumerate()
        .find(|(_, var)| var["name"].as_str() == Some(name))
        .unwrap_or_else(|| panic!("the container sets no {name}"))
}

/// The container's port named `http`.
fn http_port(container: &Yaml) -> i64 {
    let port = list(&container["ports"], "ports")
        .iter()
        .find(|port| port["name"].as_str() == Some("http"))
        .expect("the container names its port `http`");
    int(&port["containerPort"], "containerPort")
}

#[test]
fn a_broken_document_is_refused() {
    assert!(parse("kind: Service\nmetadata:\n  name: [unclosed\n").is_err());
    assert!(parse("kind: Service\n  metadata: bad-indent\n").is_err());
    assert!(parse("- a list, not a resource\n").is_err());
    assert_eq!(
        parse("kind: Service\n---\nkind: ConfigMap\n").map(|docs| docs.len()),
        Ok(2)
    );
}

#[test]
fn every_document_is_a_resource_kubectl_accepts() {
    let docs = documents();
    for (file, doc) in &docs {
        let kind = string(&doc["kind"], &format!("{file}: kind"));
        let api_version = string(&doc["apiVersion"], &format!("{file}: apiVersion"));
        let expected = match kind {
            "Deployment" => "apps/v1",
            "Service" | "ConfigMap" | "Secret" => "v1",
            other => panic!("{file}: unexpected kind {other}; teach this test its apiVersion"),
        };
        assert_eq!(api_version, expected, "{file}: apiVersion of a {kind}");
        let name = string(&doc["metadata"]["name"], &format!("{file}: metadata.name"));
        assert!(
            !name.is_empty()
                && name.len() <= 63
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{file}: {name} is not a DNS label"
        );
        string_map(
            &doc["metadata"]["labels"],
            &format!("{file}: {name} labels"),
        );
        match kind {
            "ConfigMap" => drop(string_map(&doc["data"], &format!("{file}: {name} data"))),
            "Secret" => drop(string_map(
                &doc["stringData"],
                &format!("{file}: {name} stringData"),
            )),
            _ => assert!(
                doc["spec"].as_hash().is_some(),
                "{file}: {kind} {name} has no spec"
            ),
        }
    }
}

#[test]
fn the_probes_hit_the_runtime_endpoints_on_its_port() {
    let docs = documents();
    let container = the_container(the_deployment(&docs));
    let port = http_port(container);
    for (probe, paths) in [
        ("livenessProbe", ["/health/live", "/health"]),
        ("readinessProbe", ["/ready", "/health/ready"]),
    ] {
        let get = &container[probe]["httpGet"];
        let path = string(&get["path"], &format!("{probe}.httpGet.path"));
        assert!(
            paths.contains(&path),
            "{probe} probes {path}, not one of {paths:?}"
        );
        let probe_port = &get["port"];
        assert!(
            probe_port.as_str() == Some("http") || probe_port.as_i64() == Some(port),
            "{probe} probes port {probe_port:?}, not the module's {port}"
        );
    }
}

#[test]
fn the_grace_period_covers_pre_stop_deregistration_and_drain() {
    let docs = documents();
    let deployment = the_deployment(&docs);
    let pod = &deployment["spec"]["template"]["spec"];
    let grace = int(
        &pod["terminationGracePeriodSeconds"],
        "terminationGracePeriodSeconds",
    );
    let pre_stop = &the_container(deployment)["lifecycle"]["preStop"];
    let pause = match (&pre_stop["sleep"]["seconds"], &pre_stop["exec"]["command"]) {
        (seconds, _) if seconds.as_i64().is_some() => int(seconds, "preStop.sleep.seconds"),
        (_, Yaml::Array(command)) if command.iter().any(|arg| arg.as_str() == Some("sleep")) => {
            let last = command.last().expect("a sleep command");
            string(last, "the sleep's argument")
                .parse()
                .expect("whole seconds")
        }
        _ => panic!("the container needs a preStop pause, found {pre_stop:?}"),
    };
    assert!(
        pause > 0,
        "the preStop pause lets endpoints drop the pod before SIGTERM"
    );
    assert!(
        grace > pause + DEREGISTER_SECONDS + DRAIN_SECONDS,
        "terminationGracePeriodSeconds {grace} must exceed preStop {pause} s + deregistration \
         {DEREGISTER_SECONDS} s + drain {DRAIN_SECONDS} s"
    );
}

#[test]
fn configuration_comes_from_a_secret_and_a_config_map() {
    let docs = documents();
    let container = the_container(the_deployment(&docs));
    let (_, jwt) = env(container, "JWT_SECRET");
    let reference = &jwt["valueFrom"]["secretKeyRef"];
    let secret = find(
        &docs,
        "Secret",
        string(&reference["name"], "secretKeyRef.name"),
    );
    let key = string(&reference["key"], "secretKeyRef.key");
    assert!(
        string_map(&secret["stringData"], "stringData").contains_key(key),
        "the Secret has no key {key}"
    );
    assert!(
        jwt["value"].is_badvalue(),
        "JWT_SECRET must not be written in the Deployment"
    );

    let from = list(&container["envFrom"], "envFrom");
    let config_name = from
        .iter()
        .find_map(|source| source["configMapRef"]["name"].as_str())
        .expect("the environment comes from a ConfigMap");
    let config = string_map(&find(&docs, "ConfigMap", config_name)["data"], "data");
    for variable in ["GATEWAY_URL", "LIFT_MODULE_PORT", "LIFT_MODULE_MANIFEST"] {
        assert!(
            config.contains_key(variable),
            "the ConfigMap sets no {variable}"
        );
    }
    assert!(
        config.keys().all(|key| key
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')),
        "every key of an envFrom ConfigMap is an environment variable: {:?}",
        config.keys()
    );
    assert_eq!(config["LIFT_MODULE_PORT"], http_port(container).to_string());

    // The manifest file the runtime reads is mounted where LIFT_MODULE_MANIFEST says.
    let manifest_path = Path::new(&config["LIFT_MODULE_MANIFEST"]);
    let mount = list(&container["volumeMounts"], "volumeMounts")
        .iter()
        .find(|mount| {
            Some(Path::new(string(&mount["mountPath"], "mountPath"))) == manifest_path.parent()
        })
        .expect("a volume is mounted at the manifest's folder");
    let volume_name = string(&mount["name"], "volumeMounts.name");
    let volume = list(
        &the_deployment(&docs)["spec"]["template"]["spec"]["volumes"],
        "volumes",
    )
    .iter()
    .find(|volume| volume["name"].as_str() == Some(volume_name))
    .expect("the mounted volume is declared");
    let source = find(
        &docs,
        "ConfigMap",
        string(&volume["configMap"]["name"], "configMap.name"),
    );
    let file = manifest_path
        .file_name()
        .expect("a file name")
        .to_string_lossy();
    let manifest: serde_json::Value =
        serde_json::from_str(&string_map(&source["data"], "data")[file.as_ref()])
            .expect("module.json is JSON");
    assert!(
        manifest["name"].is_string() && manifest["version"].is_string(),
        "{manifest}"
    );
}

#[test]
fn each_replica_registers_its_own_pod_url() {
    let docs = documents();
    let container = the_container(the_deployment(&docs));
    let (pod_ip_at, pod_ip) = env(container, "POD_IP");
    assert_eq!(
        string(
            &pod_ip["valueFrom"]["fieldRef"]["fieldPath"],
            "POD_IP fieldPath"
        ),
        "status.podIP"
    );
    let (public_at, public) = env(container, "LIFT_MODULE_PUBLIC_URL");
    assert!(
        pod_ip_at < public_at,
        "POD_IP must be defined before $(POD_IP) is used"
    );
    let url = string(&public["value"], "LIFT_MODULE_PUBLIC_URL");
    assert_eq!(url, format!("http://$(POD_IP):{}", http_port(container)));
}

#[test]
fn prometheus_scrapes_metrics_on_the_module_port() {
    let docs = documents();
    let deployment = the_deployment(&docs);
    let annotations = string_map(
        &deployment["spec"]["template"]["metadata"]["annotations"],
        "annotations",
    );
    assert_eq!(
        annotations.get("prometheus.io/scrape").map(String::as_str),
        Some("true")
    );
    assert_eq!(
        annotations.get("prometheus.io/path").map(String::as_str),
        Some("/metrics")
    );
    assert_eq!(
        annotations.get("prometheus.io/port"),
        Some(&http_port(the_container(deployment)).to_string())
    );
}

#[test]
fn the_selectors_match_the_pods() {
    let docs = documents();
    let deployment = the_deployment(&docs);
    let pod_labels = string_map(
        &deployment["spec"]["template"]["metadata"]["labels"],
        "pod labels",
    );
    let selects = |selector: &Yaml, what: &str| {
        let selector = string_map(selector, what);
        assert!(!selector.is_empty(), "{what} is empty");
        for (key, value) in &selector {
            assert_eq!(
                pod_labels.get(key),
                Some(value),
                "{what} {key}={value} does not match the pods"
            );
        }
    };
    selects(
        &deployment["spec"]["selector"]["matchLabels"],
        "the Deployment's selector",
    );
    let services: Vec<&Yaml> = docs
        .iter()
        .map(|(_, doc)| doc)
        .filter(|doc| doc["kind"].as_str() == Some("Service"))
        .collect();
    assert!(!services.is_empty(), "docs/k8s/ holds no Service");
    for service in services {
        selects(&service["spec"]["selector"], "the Service's selector");
        for port in list(&service["spec"]["ports"], "Service ports") {
            let target = &port["targetPort"];
            assert!(
                target.as_str() == Some("http")
                    || target.as_i64() == Some(http_port(the_container(deployment))),
                "the Service targets {target:?}, not the module's port"
            );
        }
    }
}
