import { readFileSync } from 'fs';

/** CPU seconds of this process, and of its finished children (Linux: /proc/self/stat). */
export function cpuSeconds(): { own: number; children: number } {
	const usage = process.cpuUsage();
	let children = NaN;
	try {
		const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
		children = (Number(fields[13]) + Number(fields[14])) / 100;
	} catch {
		// Not Linux: children's CPU is not shown.
	}
	return { own: (usage.user + usage.system) / 1e6, children };
}
