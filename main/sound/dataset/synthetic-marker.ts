/**
 * A file in a data set's root that names it synthetic: `percept esc fixture` writes it, the UrbanSound8K
 * loader looks for it, so that no model trained on a fixture is ever described as trained on UrbanSound8K.
 */
export const syntheticMarker = 'SYNTHETIC.txt'
