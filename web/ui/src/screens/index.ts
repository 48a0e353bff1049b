/** The screens, in navigation order (`#/path`). */
import type { ComponentType } from "react";

import { Audit } from "./Audit";
import { Backtests } from "./Backtests";
import { Builder } from "./Builder";
import { Chain } from "./Chain";
import { Orders } from "./Orders";
import { Overview } from "./Overview";
import { Spreads } from "./Spreads";
import { Strategies } from "./Strategies";

export interface Screen {
  path: string;
  title: string;
  component: ComponentType;
}

export const SCREENS: Screen[] = [
  { path: "overview", title: "Overview", component: Overview },
  { path: "spreads", title: "Spreads", component: Spreads },
  { path: "orders", title: "Orders & positions", component: Orders },
  { path: "chain", title: "Option chain", component: Chain },
  { path: "builder", title: "Spread builder", component: Builder },
  { path: "strategies", title: "Strategies", component: Strategies },
  { path: "backtests", title: "Backtests", component: Backtests },
  { path: "audit", title: "Audit log", component: Audit },
];
