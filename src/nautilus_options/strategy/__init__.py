"""The options spread strategy, its entry/exit managers and the spread tracker."""
