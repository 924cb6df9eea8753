import type { WorkflowJson } from './client';

/** A template with its Settings node's values replaced (the chat webhook, the output folder...). */
export function withSettings(
	workflow: WorkflowJson,
	values: Record<string, unknown>,
): WorkflowJson {
	const nodes = workflow.nodes.map((node) => {
		if (node.name !== 'Settings') return node;
		const parameters = structuredClone(node.parameters) as {
			assignments: { assignments: Array<{ name: string; value: unknown }> };
		};
		for (const assignment of parameters.assignments.assignments) {
			if (assignment.name in values) assignment.value = values[assignment.name];
		}
		return { ...node, parameters };
	});
	return { ...workflow, nodes };
}
