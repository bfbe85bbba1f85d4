import { environmentTable } from '../config/env-table.js';

console.log(environmentTable());
