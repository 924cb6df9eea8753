/**
 * `node scripts/node-modules-match-lock.js`: exits 0 when node_modules holds exactly what
 * package-lock.json locks, so scripts/setup can skip `npm ci` (which deletes node_modules and
 * installs everything again, a minute or more). It compares the lock with the record npm writes
 * after every install (node_modules/.package-lock.json): the same packages at the same versions
 * and integrity, leaving out only optional packages for other platforms, which npm skips.
 */
const { readFileSync } = require('fs');

function packagesOf(file) {
	try {
		return JSON.parse(readFileSync(file, 'utf8')).packages;
	} catch {
		return undefined;
	}
}

const locked = packagesOf('package-lock.json');
const installed = packagesOf('node_modules/.package-lock.json');

function matches() {
	if (!locked || !installed) return false;
	for (const [location, entry] of Object.entries(locked)) {
		if (location === '') continue;
		const record = installed[location];
		if (!record) {
			if (entry.optional) continue;
			return false;
		}
		if (record.version !== entry.version || record.integrity !== entry.integrity) return false;
	}
	return Object.keys(installed).every((location) => location in locked);
}

process.exit(matches() ? 0 : 1);
