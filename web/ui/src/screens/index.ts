/** The screens, in navigation order (`#/path`). */
import type { ComponentType } from "react";

import { Orders } from "./Orders";
import { Overview } from "./Overview";
import { Spreads } from "./Spreads";

export interface Screen {
  path: string;
  title: string;
  component: ComponentType;
}

export const SCREENS: Screen[] = [
  { path: "overview", title: "Overview", component: Overview },
  { path: "spreads", title: "Spreads", component: Spreads },
  { path: "orders", title: "Orders & positions", component: Orders },
];
