import SwitchyardCore
import Yams

/// Parses the API-key → tenant map for `serve --tenant-keys`: each tenant lists the keys that identify it.
///
///     acme: [sk-acme-prod, sk-acme-staging]
///     globex: [sk-globex]
public enum TenantKeysManifest {
    public static func load(path: String) throws -> [String: String] {
        let file = path
        let reader = YAMLReader(file: file)
        guard let root = reader.root(of: try ManifestFile.read(path)) else { throw ManifestError(file: file, issues: reader.issues) }
        guard let mapping = root.mapping else {
            reader.report(at: root, field: "", "expected a mapping from tenant to a list of API keys")
            throw ManifestError(file: file, issues: reader.issues)
        }
        var keys: [String: String] = [:]
        for (tenantNode, list) in mapping {
            let tenant = tenantNode.scalar?.string ?? ""
            guard let items = list.sequence, !items.isEmpty else {
                reader.report(at: list, field: tenant, "expected a non-empty list of API keys")
                continue
            }
            for item in items {
                guard let key = item.scalar?.string, !key.isEmpty else {
                    reader.report(at: item, field: tenant, "an API key must be text")
                    continue
                }
                if let other = keys[key] {
                    reader.report(at: item, field: tenant, "this key already identifies tenant '\(other)'; a key names one tenant")
                }
                keys[key] = tenant
            }
        }
        guard reader.issues.isEmpty else { throw ManifestError(file: file, issues: reader.issues) }
        return keys
    }
}
