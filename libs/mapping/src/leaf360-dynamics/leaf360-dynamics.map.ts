/** Version of the built-in Leaf360 → Dynamics 365 map; carried on every event it produced. */
export const LEAF360_DYNAMICS_MAP_VERSION = 'leaf360-dynamics@1';
